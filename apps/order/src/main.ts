import 'reflect-metadata';
import { createHttpApp, listen } from '@coursehub/core';
import { OrderServiceModule } from './order-service.module';

// The order service consumes no events (it only requests `course.get` and publishes through its
// outbox), so it attaches no Kafka consumer microservice.
async function bootstrap(): Promise<void> {
  const app = await createHttpApp(OrderServiceModule, { title: 'CourseHub order service' });
  await listen(app);
}

void bootstrap();

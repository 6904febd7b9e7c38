import 'reflect-metadata';
import { createHttpApp, listen } from '@coursehub/core';
import { connectMessaging } from '@coursehub/messaging';
import { CourseServiceModule } from './course-service.module';

async function bootstrap(): Promise<void> {
  const app = await createHttpApp(CourseServiceModule, { title: 'CourseHub course service' });
  connectMessaging(app);
  await app.startAllMicroservices();
  await listen(app);
}

void bootstrap();

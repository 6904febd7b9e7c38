import 'reflect-metadata';
import { createHttpApp, listen } from '@coursehub/core';
import { AuthServiceModule } from './auth-service.module';

async function bootstrap(): Promise<void> {
  const app = await createHttpApp(AuthServiceModule, { title: 'CourseHub auth service' });
  await listen(app);
}

void bootstrap();

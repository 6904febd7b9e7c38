import 'reflect-metadata';
import { createHttpApp, listen } from '@coursehub/core';
import { connectMessaging } from '@coursehub/messaging';
import { EmailServiceModule } from './email-service.module';

async function bootstrap(): Promise<void> {
  const app = await createHttpApp(EmailServiceModule, { title: 'CourseHub e-mail service' });
  connectMessaging(app);
  await app.startAllMicroservices();
  await listen(app);
}

void bootstrap();

import { coreEnvSchema, CoreModule, createHttpApp, jwtVerifierEnvSchema } from '@coursehub/core';
import { connectMessaging, kafkaEnvSchema, MessagingModule, TransportKind } from '@coursehub/messaging';
import { Module } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { emailEnvSchema, EmailModule } from '../src';

/** The e-mail feature composed like apps/email, on the transport the test chooses. */
export async function startEmailApp(
  env: Record<string, string>,
  transport: TransportKind = 'in-process',
): Promise<{
  app: NestFastifyApplication;
  baseUrl: string;
}> {
  @Module({
    imports: [
      CoreModule.forRoot({
        envSchema: coreEnvSchema
          .extend(jwtVerifierEnvSchema.shape)
          .extend(kafkaEnvSchema.shape)
          .extend(emailEnvSchema.shape),
        env,
      }),
      MessagingModule.forRoot({ serviceName: 'email', transport }),
      EmailModule,
    ],
  })
  class EmailTestModule {}

  const app = await createHttpApp(EmailTestModule, { title: 'e-mail test app' });
  connectMessaging(app);
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  return { app, baseUrl: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

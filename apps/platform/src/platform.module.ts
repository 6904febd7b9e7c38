import { AuthModule, authEnvSchema } from '@coursehub/auth';
import { courseGet } from '@coursehub/contracts';
import {
  CoreModule,
  coreEnvSchema,
  DatabaseConnectionSettings,
  DatabaseConnectionsModule,
  jwtVerifierEnvSchema,
} from '@coursehub/core';
import { courseEnvSchema, CourseModule } from '@coursehub/course';
import { DevMailboxModule, SmtpSink } from '@coursehub/embedded';
import { emailEnvSchema, EmailModule } from '@coursehub/email';
import { kafkaEnvSchema, MessagingModule, TransportKind } from '@coursehub/messaging';
import { orderEnvSchema, OrderModule } from '@coursehub/order';
import { Module, Type } from '@nestjs/common';

export const platformEnvSchema = coreEnvSchema
  .extend(jwtVerifierEnvSchema.shape)
  .extend(kafkaEnvSchema.shape)
  .extend(authEnvSchema.shape)
  .extend(courseEnvSchema.shape)
  .extend(orderEnvSchema.shape)
  .extend(emailEnvSchema.shape);

export interface PlatformModuleOptions {
  /** In-process by default; Kafka when KAFKA_BROKERS is set. */
  transport: TransportKind;
  /** Where each feature's PostgreSQL data lives (one database per feature, as when split). */
  databases: Record<string, DatabaseConnectionSettings>;
  /** The embedded SMTP sink, whose e-mails `/dev/mailbox` shows; absent with a real SMTP_URL. */
  mailbox?: SmtpSink;
}

/**
 * The modular monolith: the four feature modules of the split deployment, unchanged, in one
 * process. Only this root differs: one transport for all, and infrastructure handed in by main.ts.
 */
export function platformModule(options: PlatformModuleOptions): Type<unknown> {
  @Module({
    imports: [
      CoreModule.forRoot({ envSchema: platformEnvSchema }),
      DatabaseConnectionsModule.fromMap(options.databases),
      MessagingModule.forRoot({
        serviceName: 'platform',
        transport: options.transport,
        requestTopics: [courseGet.topic],
      }),
      AuthModule,
      CourseModule,
      OrderModule,
      EmailModule,
      ...(options.mailbox ? [DevMailboxModule.register(options.mailbox)] : []),
    ],
  })
  class PlatformModule {}
  return PlatformModule;
}

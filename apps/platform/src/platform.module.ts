import { AuthModule } from '@coursehub/auth';
import { DatabaseConnectionSettings, LandingDetails } from '@coursehub/core';
import { CourseModule } from '@coursehub/course';
import { DevMailboxModule, SmtpSink } from '@coursehub/embedded';
import { EmailModule } from '@coursehub/email';
import { createRootModule, TransportKind } from '@coursehub/messaging';
import { OrderModule } from '@coursehub/order';
import { Type } from '@nestjs/common';

/** The features that own a PostgreSQL database (one each, as in the split deployment). */
export const PLATFORM_DATABASE_FEATURES = ['auth', 'course', 'order'];

export interface PlatformModuleOptions {
  /** In-process by default; Kafka when KAFKA_BROKERS is set. */
  transport: TransportKind;
  /** Where each feature's PostgreSQL data lives. */
  databases: Record<string, DatabaseConnectionSettings>;
  mongoUrl: string;
  smtpUrl: string;
  /** The embedded SMTP sink, whose e-mails `/dev/mailbox` shows; absent with a real SMTP_URL. */
  mailbox?: SmtpSink;
  /** The environment to validate (process.env by default). */
  env?: Record<string, string | undefined>;
  /** What the page at `/` shows about this platform (admin, data directory, infrastructure). */
  landing?: LandingDetails;
}

/**
 * The modular monolith: the four features of the split deployment, unchanged, in one process on
 * one transport, with the infrastructure main.ts started handed in as options.
 */
export function platformModule(options: PlatformModuleOptions): Type {
  return createRootModule({
    service: 'platform',
    transport: options.transport,
    databases: options.databases,
    env: options.env,
    landing: {
      ...options.landing,
      mailbox: options.mailbox !== undefined && (options.env ?? process.env).NODE_ENV !== 'production',
    },
    features: [
      AuthModule.register(),
      CourseModule.register(),
      OrderModule.register(),
      EmailModule.register({ mongoUrl: options.mongoUrl, smtpUrl: options.smtpUrl }),
    ],
    // Only with the embedded SMTP sink, and DevMailboxModule leaves itself out under NODE_ENV=production.
    imports: options.mailbox ? [DevMailboxModule.register(options.mailbox, options.env ?? process.env)] : [],
  });
}

import { TypedConfigService } from '@coursehub/core';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { MongooseModule } from '@nestjs/mongoose';
import { EmailsController } from './admin/emails.controller';
import { EmailDeliveryWorker } from './delivery';
import { EMAIL_CONNECTION } from './email.constants';
import type { EmailEnv } from './email.env';
import { EmailReadiness } from './email.readiness';
import { EmailEventsConsumer } from './events/email-events.consumer';
import { EmailsService } from './emails.service';
import { Mailer } from './mailer';
import { EmailRecord, EmailRecordSchema, UserProjection, UserProjectionSchema } from './schemas';

/**
 * The e-mail feature: records the e-mails platform events call for in MongoDB and delivers them
 * through SMTP. Composed by apps/email (Kafka) and apps/platform (in-process transport) alike; the
 * root must import `MessagingModule.forRoot(...)` (the event handlers use its consumer interceptor).
 */
@Module({
  imports: [
    MongooseModule.forRootAsync({
      connectionName: EMAIL_CONNECTION,
      inject: [ConfigService],
      useFactory: (config: TypedConfigService<EmailEnv>) => ({
        uri: config.get('MONGO_URL', { infer: true }),
        serverSelectionTimeoutMS: 5_000,
        // Indexes (the unique eventId above all) are built once in EmailsService.onModuleInit.
        autoIndex: false,
      }),
    }),
    MongooseModule.forFeature(
      [
        { name: EmailRecord.name, schema: EmailRecordSchema },
        { name: UserProjection.name, schema: UserProjectionSchema },
      ],
      EMAIL_CONNECTION,
    ),
  ],
  controllers: [EmailsController, EmailEventsConsumer],
  providers: [EmailsService, Mailer, EmailDeliveryWorker, EmailReadiness],
  exports: [EmailsService],
})
export class EmailModule {}

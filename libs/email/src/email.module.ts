import { TypedConfigService } from '@coursehub/core';
import { FeatureModule, defineFeature } from '@coursehub/messaging';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { MongooseModule } from '@nestjs/mongoose';
import { EmailPreference, EmailPreferenceSchema } from './data/email-preference.schema';
import { EmailPreferencesRepository } from './data/email-preferences.repository';
import { EmailRecord, EmailRecordSchema } from './data/email-record.schema';
import { EmailRecordsRepository } from './data/email-records.repository';
import { ErasedUser, ErasedUserSchema } from './data/erased-user.schema';
import { ErasedUsersRepository } from './data/erased-users.repository';
import { UserProjection, UserProjectionSchema } from './data/user-projection.schema';
import { UserProjectionsRepository } from './data/user-projections.repository';
import { EmailDeliveryWorker } from './domain/email-delivery.worker';
import { EmailPreferencesService } from './domain/email-preferences.service';
import { EmailLogService } from './domain/email-log.service';
import { EmailReadiness } from './domain/email-readiness';
import { EmailsService } from './domain/emails.service';
import { FailedDeliveries } from './domain/failed-deliveries';
import { Mailer } from './domain/mailer';
import { PersonalEmailDataService } from './domain/personal-email-data.service';
import { SmtpRelayHealth } from './domain/smtp-relay-health';
import { UnsubscribeTokens } from './domain/unsubscribe-tokens';
import { EMAIL_CONNECTION, EMAIL_FEATURE, EMAIL_MODULE_OPTIONS } from './email.constants';
import { EmailEnv, emailEnvSchema } from './email.env';
import { EmailPreferencesController } from './http/email-preferences.controller';
import { UnsubscribeController } from './http/unsubscribe.controller';
import { EmailsController } from './http/emails.controller';
import { EmailMessageHandlers } from './messaging/email-message-handlers';

/** Infrastructure a composition root hands in directly; each option given wins over its variable. */
export interface EmailModuleOptions {
  /** MongoDB of the e-mail records (instead of MONGO_URL), e.g. the platform's embedded one. */
  mongoUrl?: string;
  /** SMTP relay (instead of SMTP_URL), e.g. the platform's SMTP sink. */
  smtpUrl?: string;
}

/**
 * The e-mail feature: records the e-mails platform events call for in MongoDB (no PostgreSQL, so
 * no `database` and no outbox) and delivers them through SMTP; admins list and retry them.
 */
@Module({})
export class EmailModule {
  static register(options: EmailModuleOptions = {}): FeatureModule {
    // An option bypasses the environment's validation, so it gets the same check here, at start-up.
    const { MONGO_URL, SMTP_URL } = emailEnvSchema.shape;
    const resolved: EmailModuleOptions = {
      mongoUrl: options.mongoUrl === undefined ? undefined : MONGO_URL.parse(options.mongoUrl),
      smtpUrl: options.smtpUrl === undefined ? undefined : SMTP_URL.parse(options.smtpUrl),
    };
    return defineFeature(EmailModule, {
      name: EMAIL_FEATURE,
      envSchema: emailEnvSchema,
      consumesMessages: true,
      imports: [
        MongooseModule.forRootAsync({
          connectionName: EMAIL_CONNECTION,
          inject: [ConfigService],
          useFactory: (env: TypedConfigService<EmailEnv>) => ({
            uri: resolved.mongoUrl ?? env.get('MONGO_URL', { infer: true }),
            serverSelectionTimeoutMS: env.get('MONGO_SERVER_SELECTION_TIMEOUT_MS', { infer: true }),
            // Fail fast while MongoDB is away instead of queueing in Mongoose: the driver's own
            // errors (MongoServerSelectionError...) are what the consumer and the worker retry on.
            bufferCommands: false,
            // Indexes (the unique eventId above all) are built once in EmailsService.onModuleInit.
            autoIndex: false,
          }),
        }),
        MongooseModule.forFeature(
          [
            { name: EmailRecord.name, schema: EmailRecordSchema },
            { name: UserProjection.name, schema: UserProjectionSchema },
            { name: EmailPreference.name, schema: EmailPreferenceSchema },
            { name: ErasedUser.name, schema: ErasedUserSchema },
          ],
          EMAIL_CONNECTION,
        ),
      ],
      // The user-facing routes first: `GET /emails/preferences` must not be taken for the admin's
      // `GET /emails/:id`.
      controllers: [
        EmailPreferencesController,
        UnsubscribeController,
        EmailsController,
        EmailMessageHandlers,
      ],
      providers: [
        { provide: EMAIL_MODULE_OPTIONS, useValue: resolved },
        EmailRecordsRepository,
        UserProjectionsRepository,
        EmailPreferencesRepository,
        ErasedUsersRepository,
        UnsubscribeTokens,
        EmailPreferencesService,
        EmailsService,
        PersonalEmailDataService,
        EmailLogService,
        Mailer,
        SmtpRelayHealth,
        FailedDeliveries,
        EmailDeliveryWorker,
        EmailReadiness,
      ],
    });
  }
}

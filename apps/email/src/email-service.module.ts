import { CoreModule, coreEnvSchema, jwtVerifierEnvSchema } from '@coursehub/core';
import { emailEnvSchema, EmailModule } from '@coursehub/email';
import { kafkaEnvSchema, MessagingModule } from '@coursehub/messaging';
import { Module } from '@nestjs/common';

export const emailServiceEnvSchema = coreEnvSchema
  .extend(jwtVerifierEnvSchema.shape)
  .extend(kafkaEnvSchema.shape)
  .extend(emailEnvSchema.shape);

/** The e-mail microservice: platform events from Kafka in, e-mails through SMTP out, records in MongoDB. */
@Module({
  imports: [
    CoreModule.forRoot({ envSchema: emailServiceEnvSchema }),
    MessagingModule.forRoot({ serviceName: 'email', transport: 'kafka' }),
    EmailModule,
  ],
})
export class EmailServiceModule {}

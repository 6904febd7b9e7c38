import { courseGet } from '@coursehub/contracts';
import {
  CoreModule,
  coreEnvSchema,
  DatabaseConnectionsModule,
  databaseEnvSchema,
  jwtVerifierEnvSchema,
} from '@coursehub/core';
import { kafkaEnvSchema, MessagingModule } from '@coursehub/messaging';
import { OrderModule, orderEnvSchema } from '@coursehub/order';
import { Module } from '@nestjs/common';

export const orderServiceEnvSchema = coreEnvSchema
  .extend(databaseEnvSchema.shape)
  .extend(jwtVerifierEnvSchema.shape)
  .extend(kafkaEnvSchema.shape)
  .extend(orderEnvSchema.shape);

/** The order microservice: the order feature on its own database, asking the course service over Kafka. */
@Module({
  imports: [
    CoreModule.forRoot({ envSchema: orderServiceEnvSchema }),
    DatabaseConnectionsModule.fromEnv(),
    MessagingModule.forRoot({ serviceName: 'order', transport: 'kafka', requestTopics: [courseGet.topic] }),
    OrderModule,
  ],
})
export class OrderServiceModule {}

import { AuthModule, authEnvSchema } from '@coursehub/auth';
import {
  CoreModule,
  coreEnvSchema,
  databaseEnvSchema,
  DatabaseConnectionsModule,
  jwtVerifierEnvSchema,
} from '@coursehub/core';
import { kafkaEnvSchema, MessagingModule, TransportKind } from '@coursehub/messaging';
import { Module, Type } from '@nestjs/common';

export const authServiceEnvSchema = coreEnvSchema
  .extend(databaseEnvSchema.shape)
  .extend(jwtVerifierEnvSchema.shape)
  .extend(kafkaEnvSchema.shape)
  .extend(authEnvSchema.shape);

/**
 * The auth microservice root: the auth feature on its own database, publishing over `transport`
 * (Kafka when deployed; the in-process transport lets tests run the same root without a broker).
 */
export function authServiceModule(transport: TransportKind): Type<unknown> {
  @Module({
    imports: [
      CoreModule.forRoot({ envSchema: authServiceEnvSchema }),
      DatabaseConnectionsModule.fromEnv(),
      MessagingModule.forRoot({ serviceName: 'auth', transport }),
      AuthModule,
    ],
  })
  class AuthServiceModule {}
  return AuthServiceModule;
}

/** The deployed auth microservice: Kafka between services. */
export const AuthServiceModule = authServiceModule('kafka');

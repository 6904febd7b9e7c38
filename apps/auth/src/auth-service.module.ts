import { AuthModule, authEnvSchema } from '@coursehub/auth';
import {
  CoreModule,
  coreEnvSchema,
  databaseEnvSchema,
  DatabaseConnectionsModule,
  jwtVerifierEnvSchema,
} from '@coursehub/core';
import { Module } from '@nestjs/common';

export const authServiceEnvSchema = coreEnvSchema
  .extend(databaseEnvSchema.shape)
  .extend(jwtVerifierEnvSchema.shape)
  .extend(authEnvSchema.shape);

/** The auth microservice: the auth feature on its own database. */
@Module({
  imports: [
    CoreModule.forRoot({ envSchema: authServiceEnvSchema }),
    DatabaseConnectionsModule.fromEnv(),
    AuthModule,
  ],
})
export class AuthServiceModule {}

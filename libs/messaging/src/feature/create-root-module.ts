import {
  CoreModule,
  coreEnvSchema,
  DatabaseConnectionSettings,
  DatabaseConnectionsModule,
  databaseEnvSchema,
  jwtVerifierEnvSchema,
  LandingDetails,
  LandingModule,
} from '@coursehub/core';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { z } from 'zod';
import { TransportKind } from '../messaging.constants';
import { kafkaEnvSchema } from '../messaging.env';
import { MessagingModule } from '../messaging.module';
import { FeatureModule } from './define-feature';

export interface RootModuleOptions {
  /** The process's name: producer of its events, Kafka client id (`auth`, ..., `platform`). */
  service: string;
  transport: TransportKind;
  features: FeatureModule[];
  /**
   * Where each feature's PostgreSQL database is. Without it every feature with a database uses
   * `DATABASE_URL` (a microservice owns exactly one); the platform passes one per feature.
   */
  databases?: Record<string, DatabaseConnectionSettings>;
  /** The environment to validate; `process.env` by default (tests pass their own). */
  env?: Record<string, string | undefined>;
  /** Modules beside the features, e.g. the embedded dev mailbox. */
  imports?: (Type | DynamicModule)[];
  /** What the page at `/` says beyond the features (the platform: its admin, data, mailbox). */
  landing?: LandingDetails;
}

/** The environment schema of a root: core, token verification, messaging, and each feature's. */
export function rootEnvSchema(options: Pick<RootModuleOptions, 'features' | 'databases'>): z.ZodObject {
  const usesDatabaseUrl =
    options.databases === undefined && options.features.some((feature) => feature.definition.database);
  let schema: z.ZodObject = coreEnvSchema.extend(jwtVerifierEnvSchema.shape).extend(kafkaEnvSchema.shape);
  if (usesDatabaseUrl) schema = schema.extend(databaseEnvSchema.shape);
  for (const feature of options.features) {
    if (feature.definition.envSchema) schema = schema.extend(feature.definition.envSchema.shape);
  }
  return schema;
}

/**
 * The one way to compose an app: features + transport + infrastructure. Every service root, the
 * platform, the test apps and the benches are built with it, so they differ only in these options.
 */
export function createRootModule(options: RootModuleOptions): Type {
  const definitions = options.features.map((feature) => feature.definition);
  const requestTopics = [...new Set(definitions.flatMap((definition) => definition.requestTopics ?? []))];
  const needsDatabases = definitions.some((definition) => definition.database);

  @Module({
    imports: [
      CoreModule.forRoot({ envSchema: rootEnvSchema(options), env: options.env }),
      ...(needsDatabases
        ? [
            options.databases
              ? DatabaseConnectionsModule.fromMap(options.databases)
              : DatabaseConnectionsModule.fromEnv(),
          ]
        : []),
      MessagingModule.forRoot({
        serviceName: options.service,
        transport: options.transport,
        requestTopics,
        consumesMessages: definitions.some((definition) => definition.consumesMessages),
      }),
      ...options.features.map((feature) => feature.module),
      ...(options.imports ?? []),
      LandingModule.forRoot({
        service: options.service,
        features: definitions.map((definition) => definition.name),
        transport: options.transport,
        details: options.landing,
      }),
    ],
  })
  class RootModule {}
  Object.defineProperty(RootModule, 'name', { value: `${pascalCase(options.service)}RootModule` });
  return RootModule;
}

function pascalCase(name: string): string {
  return name.replace(/(^|[-_ ])(\w)/g, (_match, _separator: string, letter: string) => letter.toUpperCase());
}

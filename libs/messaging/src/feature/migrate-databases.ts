import {
  databaseEnvSchema,
  parseEnv,
  registeredFeatureDatabase,
  runMigrationsExclusively,
} from '@coursehub/core';
import { DataSource } from 'typeorm';
import type { FeatureModule } from './define-feature';

export interface MigratedDatabase {
  feature: string;
  ran: string[];
}

/**
 * Migrates the databases of a service's features (DATABASE_URL, as the service itself would), with
 * the same advisory lock and the same migration list as a starting app (the one defineFeature gave
 * FeatureDatabaseModule), and nothing else: no HTTP, no Kafka, no config beyond the database's.
 * This is what the Helm pre-upgrade Job runs, with credentials that may alter the schema.
 */
export async function migrateFeatureDatabases(
  features: FeatureModule[],
  env: Record<string, string | undefined> = process.env,
): Promise<MigratedDatabase[]> {
  const settings = parseEnv(databaseEnvSchema, env);
  const results: MigratedDatabase[] = [];
  for (const { definition } of features) {
    if (!definition.database) continue;
    const registered = registeredFeatureDatabase(definition.name);
    if (!registered) throw new Error(`Feature ${definition.name} registered no database module`);
    const dataSource = await new DataSource({
      type: 'postgres',
      url: settings.DATABASE_URL,
      migrations: registered.migrations,
      extra: { max: 1, connectionTimeoutMillis: settings.DATABASE_TIMEOUT_MS },
    }).initialize();
    try {
      results.push({
        feature: definition.name,
        ran: await runMigrationsExclusively(dataSource, definition.name),
      });
    } finally {
      await dataSource.destroy();
    }
  }
  return results;
}

/** An `apps/<app>/src/migrate.ts` entry: migrates, logs one JSON line per database, exits 0 or 1. */
export function runMigrationsMain(service: string, features: FeatureModule[]): void {
  const log = (level: string, msg: string): void => {
    process.stdout.write(`${JSON.stringify({ level, time: Date.now(), service, msg })}\n`);
  };
  migrateFeatureDatabases(features).then(
    (results) => {
      for (const { feature, ran } of results) {
        log(
          'info',
          `Database ${feature}: ${ran.length > 0 ? `migrations run: ${ran.join(', ')}` : 'up to date'}`,
        );
      }
      process.exit(0);
    },
    (error: unknown) => {
      log(
        'fatal',
        `Migrations failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      process.exit(1);
    },
  );
}

import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DatabaseEnv } from '../config';

export interface DatabaseConnectionSettings {
  url: string;
  poolSize: number;
  timeoutMs: number;
  /** Who migrates: the app at start (`run`, the default) or a separate Job (`skip`). */
  migrations?: 'run' | 'skip';
}

/** Resolves the database of a feature (by its name: `auth`, `course`, ...). */
export interface DatabaseConnections {
  forFeature(feature: string): DatabaseConnectionSettings;
}

export const DATABASE_CONNECTIONS = Symbol('DATABASE_CONNECTIONS');

/**
 * The composition root decides where each feature's data lives: a microservice points its one
 * feature at `DATABASE_URL`; the platform gives every feature a database of its own.
 */
@Global()
@Module({})
export class DatabaseConnectionsModule {
  static fromEnv(): DynamicModule {
    return {
      module: DatabaseConnectionsModule,
      providers: [
        {
          provide: DATABASE_CONNECTIONS,
          inject: [ConfigService],
          useFactory: (config: ConfigService<DatabaseEnv, true>): DatabaseConnections => ({
            forFeature: () => ({
              url: config.get('DATABASE_URL', { infer: true }),
              poolSize: config.get('DATABASE_POOL_SIZE', { infer: true }),
              timeoutMs: config.get('DATABASE_TIMEOUT_MS', { infer: true }),
              migrations: config.get('DATABASE_MIGRATIONS', { infer: true }),
            }),
          }),
        },
      ],
      exports: [DATABASE_CONNECTIONS],
    };
  }

  static fromMap(settings: Record<string, DatabaseConnectionSettings>): DynamicModule {
    return {
      module: DatabaseConnectionsModule,
      providers: [
        {
          provide: DATABASE_CONNECTIONS,
          useValue: {
            forFeature: (feature: string) => {
              const found = settings[feature];
              if (!found) throw new Error(`No database configured for feature "${feature}"`);
              return found;
            },
          } satisfies DatabaseConnections,
        },
      ],
      exports: [DATABASE_CONNECTIONS],
    };
  }
}

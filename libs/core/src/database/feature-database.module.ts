import { DynamicModule, Inject, Module, OnModuleInit } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, MixedList, EntitySchema } from 'typeorm';
import { ReadinessRegistry } from '../health';
import { DATABASE_CONNECTIONS, DatabaseConnections } from './database-connections';

export interface FeatureDatabaseOptions {
  /** The feature that owns the database; also the TypeORM data source name. */
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/**
 * A feature's own PostgreSQL database: a named TypeORM data source whose checked-in migrations
 * run at start (never `synchronize`), with its ping registered as a readiness probe.
 */
@Module({})
export class FeatureDatabaseModule {
  static register(options: FeatureDatabaseOptions): DynamicModule {
    const dataSourceToken = getDataSourceToken(options.name);

    class FeatureDatabaseReadiness implements OnModuleInit {
      constructor(
        @Inject(dataSourceToken) private readonly dataSource: DataSource,
        private readonly readiness: ReadinessRegistry,
      ) {}

      onModuleInit(): void {
        this.readiness.register(`${options.name}-database`, async () => {
          await this.dataSource.query('SELECT 1');
        });
      }
    }

    return {
      module: FeatureDatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          name: options.name,
          inject: [DATABASE_CONNECTIONS],
          useFactory: (connections: DatabaseConnections) => {
            const settings = connections.forFeature(options.name);
            return {
              type: 'postgres' as const,
              url: settings.url,
              entities: options.entities,
              migrations: options.migrations,
              migrationsRun: true,
              migrationsTransactionMode: 'each' as const,
              synchronize: false,
              // Let the app start while the database is briefly away; readiness reports it.
              retryAttempts: 10,
              retryDelay: 1_000,
              extra: {
                max: settings.poolSize,
                connectionTimeoutMillis: settings.timeoutMs,
                statement_timeout: settings.timeoutMs * 6,
                idleTimeoutMillis: 30_000,
              },
            };
          },
        }),
      ],
      providers: [FeatureDatabaseReadiness],
      exports: [TypeOrmModule],
    };
  }
}

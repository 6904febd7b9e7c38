import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { DynamicModule, Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { ClsModule } from 'nestjs-cls';
import { DataSource, DataSourceOptions, EntitySchema, MixedList } from 'typeorm';
import { ReadinessRegistry } from '../health';
import { DATABASE_CONNECTIONS, DatabaseConnections } from './database-connections';
import { assertNoPendingMigrations, PendingMigrationsError, runMigrationsExclusively } from './migrations';

export interface FeatureDatabaseOptions {
  /** The feature that owns the database; also the TypeORM data source and transaction host name. */
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/** The options of every feature database registered in this process, by name (for the migration Job). */
const registeredDatabases = new Map<string, FeatureDatabaseOptions>();

/** What `FeatureDatabaseModule.register` was given for this feature: its migrations in order. */
export function registeredFeatureDatabase(name: string): FeatureDatabaseOptions | undefined {
  return registeredDatabases.get(name);
}

/**
 * A feature's own PostgreSQL database: a named TypeORM data source whose checked-in migrations
 * run at start under an advisory lock (never `synchronize`), its transactions through nestjs-cls
 * (see FeatureTransactions), and its ping registered as a readiness probe.
 */
@Module({})
export class FeatureDatabaseModule {
  static register(options: FeatureDatabaseOptions): DynamicModule {
    registeredDatabases.set(options.name, options);
    const dataSourceToken = getDataSourceToken(options.name);
    const logger = new Logger(`Database:${options.name}`);
    // Read in useFactory (which has the settings), used in dataSourceFactory (which runs after it).
    let migrations: 'run' | 'skip' = 'run';

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
            migrations = settings.migrations ?? 'run';
            return {
              type: 'postgres' as const,
              url: settings.url,
              entities: options.entities,
              migrations: options.migrations,
              synchronize: false,
              // Let the app start while the database is briefly away; readiness reports it.
              retryAttempts: 10,
              retryDelay: 1_000,
              toRetry: (error: unknown) => !(error instanceof PendingMigrationsError),
              extra: {
                max: settings.poolSize,
                connectionTimeoutMillis: settings.timeoutMs,
                statement_timeout: settings.timeoutMs * 6,
                idleTimeoutMillis: 30_000,
              },
            };
          },
          dataSourceFactory: async (dataSourceOptions?: DataSourceOptions) => {
            const dataSource = await new DataSource(dataSourceOptions!).initialize();
            try {
              if (migrations === 'skip') await assertNoPendingMigrations(dataSource, options.name);
              else {
                const ran = await runMigrationsExclusively(dataSource, options.name);
                if (ran.length > 0) logger.log(`Migrations run: ${ran.join(', ')}`);
              }
            } catch (error) {
              await dataSource.destroy();
              throw error;
            }
            return dataSource;
          },
        }),
        ClsModule.registerPlugins([
          new ClsPluginTransactional({
            connectionName: options.name,
            adapter: new TransactionalAdapterTypeOrm({ dataSourceToken }),
          }),
        ]),
      ],
      providers: [FeatureDatabaseReadiness],
      exports: [TypeOrmModule],
    };
  }
}

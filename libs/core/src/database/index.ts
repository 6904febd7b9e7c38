export * from './columns';
export * from './database-connections';
export * from './feature-database.module';
export * from './migrations';
export * from './postgres-errors';
export * from './sql-migration';
export * from './transactions';

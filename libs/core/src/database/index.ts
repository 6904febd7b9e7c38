export * from './database-connections';
export * from './feature-database.module';
export * from './migrations';
export * from './postgres-errors';
export * from './transactions';

export * from './database-connections';
export * from './feature-database.module';

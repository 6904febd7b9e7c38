export * from './test-database';
export * from './ensure-database';

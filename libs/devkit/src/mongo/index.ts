export * from './mongo-wire-server';
export * from './temporary-mongo-database';

export * from './mongo-wire-server';

// What only tests, benches and development scripts use; never imported by product code.
export * from './api-call';
export * from './auth';
export * from './eventually';
export * from './fakes/in-memory-feature-database';
export * from './fakes/in-memory-processed-events';
export * from './courses-by-user';
export * from './kafka';
export * from './messaging-test-bed';
export * from './mongo/temporary-mongo-database';
export * from './net/tcp-proxy';
export * from './postgres/test-database';
export * from './privacy';
export * from './split';
export * from './start-local-app';

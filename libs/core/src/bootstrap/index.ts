export * from './create-http-app';
export * from './openapi';
export * from './start-up';

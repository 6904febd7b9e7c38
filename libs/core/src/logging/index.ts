export * from './logging.module';
export * from './app-logger';

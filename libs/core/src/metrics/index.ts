export * from './build-info';
export * from './registry';
export * from './metrics.module';

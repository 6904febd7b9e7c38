export * from './registry';
export * from './metrics.module';

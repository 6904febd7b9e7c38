export * from './dependency-monitor';
export * from './readiness-registry';
export * from './health.module';

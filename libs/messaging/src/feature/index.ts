export * from './create-root-module';
export * from './define-feature';
export * from './run-app';
export * from './migrate-databases';

export * from './personal-data-exports';
export * from './privacy.module';

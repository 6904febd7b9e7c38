export * from './env';
export * from './validate-env';
export * from './typed-config.service';

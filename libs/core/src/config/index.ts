export * from './env';
export * from './validate-env';
export * from './typed-config.service';
export * from './redact-secrets';
export * from './threadpool';

export * from './pagination';
export * from './idempotency-store';
export * from './idempotency.interceptor';
export * from './idempotency.decorator';
export * from './error-responses';
export * from './answers.decorator';

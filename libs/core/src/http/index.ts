export * from './pagination';
export * from './idempotency-store';
export * from './idempotency.interceptor';
export * from './idempotency.decorator';

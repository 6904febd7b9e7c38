export * from './error-body';
export * from './validation';
export * from './http-exception.filter';

export * from './api-call';
export * from './eventually';

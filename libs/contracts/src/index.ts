export * from './contract';
export * from './envelope';
export * from './events';
export * from './email-address';

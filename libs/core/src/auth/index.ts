export * from './authenticated-user';
export * from './access-token-keys';
export * from './key-id';
export * from './key-resolvers';
export * from './guards';
export * from './decorators';
export * from './jwt-access.strategy';
export * from './access-token-verification.module';

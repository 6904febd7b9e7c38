export * from './strimzi-topics';
export * from './topics-admin';
export * from './topics-command';
export * from './topics-plan';
export * from './topics.manifest';

export * from './kafka-search';
export * from './store-search';

export * from './kafka-mock-cluster';

export * from './node-app-process';
export * from './split-deployment';

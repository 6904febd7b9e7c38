export * from './postgres';
export * from './kafka';
export * from './mongo';
export * from './smtp';
export * from './embedded';
export * from './net';
export * from './auth';

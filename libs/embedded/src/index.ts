// What `npm start` runs in place of PostgreSQL, MongoDB and SMTP, and the demo data it can seed.
// Only the platform (and tests) import this library; service images never contain it.
export * from './demo';
export * from './mongo';
export * from './net/free-ports';
export * from './platform';
export * from './postgres/ensure-database';
export * from './random';
export * from './smtp';

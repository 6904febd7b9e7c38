export * from './email-record.schema';
export * from './user-projection.schema';

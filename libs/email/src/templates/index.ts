export * from './email-templates';

export * from './mailer.service';
export * from './smtp-failures';

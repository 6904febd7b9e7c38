export * from './email-delivery.worker';

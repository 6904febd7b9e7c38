export * from './consumer/decorators';
export * from './consumer/event-consumer.interceptor';
export * from './consumer/idempotent-consumer';
export * from './message-bus';
export * from './messaging.constants';
export * from './messaging.env';
export * from './messaging.errors';
export * from './messaging.module';
export * from './outbox/create-messaging-tables.migration';
export * from './outbox/outbox';
export * from './outbox/outbox-message.entity';
export * from './outbox/outbox-relay';
export * from './outbox/outbox-relay.module';
export * from './transport/in-process.transport';
export * from './transport/kafka-options';

import { CreateMessagingTables1763700000000 } from './outbox/create-messaging-tables.migration';
import { OutboxMessageEntity, ProcessedEventEntity } from './outbox/outbox-message.entity';

/** Add to a feature's FeatureDatabaseModule: the outbox and processed-events tables. */
export const messagingEntities = [OutboxMessageEntity, ProcessedEventEntity];
export const messagingMigrations = [CreateMessagingTables1763700000000];

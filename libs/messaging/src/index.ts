/*
 * The public API: what features, apps, scripts and other libraries' tests use. The rest (migrations,
 * relay, transports, dead-letter stores, admin helpers) is this library's own: its code and tests
 * import it by path.
 */
export { ConsumerLagMonitor } from './consumer/consumer-lag.monitor';
export type { DeadLetter } from './consumer/dead-letters';
export { AnswerRequest, ConsumeEvent } from './consumer/decorators';
export { consumeEvents, eventRoute } from './consumer/event-routes';
export type { EventRoute } from './consumer/event-routes';
export { runDlqCommand } from './consumer/dlq-command';
export { ProcessedEvents } from './consumer/idempotent-consumer';
export * from './feature';
export { MessageBus } from './message-bus';
export type { MessagingOptions, TransportKind } from './messaging.constants';
export { kafkaEnvSchema } from './messaging.env';
export { PermanentEventError, RequestTimeoutError, TransportUnavailableError } from './messaging.errors';
export { connectMessaging } from './messaging.module';
export { Outbox } from './outbox/outbox';
export type { KafkaConnection } from './transport/kafka-options';
export { readTopicsToEnd } from './transport/read-topics-to-end';
export type { ReadTopicsOptions } from './transport/read-topics-to-end';
export { runKafkaTopicsCommand } from './topics';

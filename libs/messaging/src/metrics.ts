import { counter, gauge } from '@coursehub/core';

export const messagingMetrics = {
  processed: () =>
    counter({
      name: 'messaging_events_processed_total',
      help: 'Events handled successfully.',
      labelNames: ['topic'],
    }),
  retried: () =>
    counter({
      name: 'messaging_events_retried_total',
      help: 'Handler retries after a failure.',
      labelNames: ['topic'],
    }),
  deadLettered: () =>
    counter({
      name: 'messaging_events_dead_lettered_total',
      help: 'Events given up by a consumer: sent to <topic>.dlq (Kafka) or the dead_letters table (in-process).',
      labelNames: ['topic', 'reason'],
    }),
  outboxBacklog: () =>
    gauge({
      name: 'outbox_backlog',
      help: 'Events written to the outbox and not yet published.',
      labelNames: ['data_source'],
    }),
  outboxPublished: () =>
    counter({
      name: 'outbox_published_total',
      help: 'Outbox events published.',
      labelNames: ['data_source'],
    }),
  outboxParked: () =>
    counter({
      name: 'outbox_parked_total',
      help: 'Outbox events parked after failing to publish OUTBOX_MAX_PUBLISH_ATTEMPTS times.',
      labelNames: ['data_source', 'topic'],
    }),
  outboxParkedBacklog: () =>
    gauge({
      name: 'outbox_parked',
      help: 'Outbox events parked now (waiting for `npm run dlq -- outbox retry`).',
      labelNames: ['data_source'],
    }),
};

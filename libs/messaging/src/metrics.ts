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
      help: 'Events sent to the dead-letter topic.',
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
};

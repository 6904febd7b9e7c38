import { counter, gauge, histogram } from '@coursehub/core';

export const messagingMetrics = {
  processed: () =>
    counter({
      name: 'coursehub_messaging_events_processed_total',
      help: 'Events handled successfully.',
      labelNames: ['topic'],
    }),
  retried: () =>
    counter({
      name: 'coursehub_messaging_events_retried_total',
      help: 'Handler retries after a failure.',
      labelNames: ['topic'],
    }),
  deadLettered: () =>
    counter({
      name: 'coursehub_messaging_events_dead_lettered_total',
      help: 'Events given up by a consumer: sent to <topic>.dlq (Kafka) or the dead_letters table (in-process).',
      labelNames: ['topic', 'reason'],
    }),
  handlerDuration: () =>
    histogram({
      name: 'coursehub_messaging_handler_duration_seconds',
      help: 'Duration of one attempt of an event handler, by topic, consumer group and outcome (success or failure).',
      labelNames: ['topic', 'consumer_group', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
  consumerLag: () =>
    gauge({
      name: 'coursehub_kafka_consumer_lag',
      help: "Messages behind the partition's high watermark for a consumer group's committed offset.",
      labelNames: ['consumer_group', 'topic', 'partition'],
    }),
  outboxBacklog: () =>
    gauge({
      name: 'coursehub_outbox_backlog',
      help: 'Events written to the outbox and not yet published.',
      labelNames: ['data_source'],
    }),
  outboxOldestUnsentAge: () =>
    gauge({
      name: 'coursehub_outbox_oldest_unsent_age_seconds',
      help: 'Age of the oldest outbox event waiting to be published (not parked); 0 when none waits.',
      labelNames: ['data_source'],
    }),
  outboxPublished: () =>
    counter({
      name: 'coursehub_outbox_published_total',
      help: 'Outbox events published.',
      labelNames: ['data_source'],
    }),
  outboxParked: () =>
    counter({
      name: 'coursehub_outbox_parked_total',
      help: 'Outbox events parked after failing to publish OUTBOX_MAX_PUBLISH_ATTEMPTS times.',
      labelNames: ['data_source', 'topic'],
    }),
  outboxParkedBacklog: () =>
    gauge({
      name: 'coursehub_outbox_parked',
      help: 'Outbox events parked now (waiting for `npm run dlq -- outbox retry`).',
      labelNames: ['data_source'],
    }),
};

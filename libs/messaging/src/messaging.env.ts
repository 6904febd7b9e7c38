import { envBoolean, envList } from '@coursehub/core';
import { z } from 'zod';

export const kafkaEnvSchema = z.object({
  /** Comma-separated bootstrap servers. Unset in the platform = in-process transport. */
  KAFKA_BROKERS: envList.optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('coursehub'),
  /** Consumer group of this service (every replica shares it). */
  KAFKA_GROUP_ID: z.string().min(1).optional(),
  KAFKA_SSL: envBoolean.default(false),
  /**
   * Idempotent producer (no duplicates from producer retries). On by default; the librdkafka
   * mock cluster used in tests cannot serve InitProducerId to kafkajs, so tests turn it off.
   */
  KAFKA_IDEMPOTENT_PRODUCER: envBoolean.default(true),
  /**
   * Whether the services' clients create missing topics. Default: only with NODE_ENV development
   * or test; elsewhere the topics come from `npm run kafka:topics` (libs/messaging/src/topics).
   */
  KAFKA_AUTO_CREATE_TOPICS: envBoolean.optional(),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  /**
   * Longest wait of an idle fetch. A broker answers a fetch as soon as data arrives, but some (the
   * librdkafka mock among them) only at this deadline: then it bounds how late an idle consumer sees
   * a new event. Lower = fresher events, more idle fetch requests (1000 / this per broker and second).
   */
  KAFKA_MAX_WAIT_MS: z.coerce.number().int().min(10).max(10_000).default(100),
  /**
   * Partitions of the subscribed topics whose events a consumer handles at the same time. Within a
   * partition (so for one key: an order, a user) events stay one after the other, in order.
   */
  KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: z.coerce.number().int().min(1).max(64).default(4),
  /**
   * Events a consumer handles at the same time, across its partitions: a fetched batch runs its
   * keys side by side, each key's events one after the other, in order (offsets are committed in
   * partition order). 1: one event at a time.
   */
  KAFKA_EVENTS_IN_FLIGHT: z.coerce.number().int().min(1).max(256).default(16),
  /**
   * A consumer silent this long is dropped from its group and its partitions move to the others
   * (also how long a rebalance may take). Heartbeats go every tenth of it.
   */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
  /** How long a request/reply (`course.get`) may take before the caller gives up. */
  KAFKA_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /**
   * Attempts of a handler failing with an unclassified error (a probable bug) before the event goes
   * to the dead letters. Transient failures (database, broker, SMTP 4xx...) never count: they are
   * retried without limit; a PermanentEventError or an invalid envelope is dead-lettered at once.
   */
  MESSAGING_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** First retry delay of a failing handler; it doubles (with jitter) up to MESSAGING_RETRY_MAX_MS. */
  MESSAGING_RETRY_BASE_MS: z.coerce.number().int().min(1).default(200),
  /** Longest wait between two attempts of a failing handler (the backoff cap). */
  MESSAGING_RETRY_MAX_MS: z.coerce.number().int().min(1).default(30_000),
  /** How often the outbox relay looks for unsent events. */
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).default(250),
  /**
   * Events the relay claims per pass; with Kafka they go in one produce request and are marked sent
   * in one statement.
   */
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(200),
  /**
   * With Kafka, the relay LISTENs for the notification `Outbox.add` sends at commit and publishes at
   * once (one extra connection per feature database); OUTBOX_POLL_MS stays the fallback. Off: poll only.
   */
  OUTBOX_LISTEN: envBoolean.default(true),
  /** Longest wait of the outbox relay between two attempts after a failed publish. */
  OUTBOX_RETRY_MAX_MS: z.coerce.number().int().min(10).default(10_000),
  /**
   * Publish attempts of one outbox event failing with a non-transient error (message too large,
   * topic refused...) before it is parked: kept with its error, skipped so later events flow, and
   * listed/retried with `npm run dlq -- outbox list|retry`. A broker outage never parks anything.
   */
  OUTBOX_MAX_PUBLISH_ATTEMPTS: z.coerce.number().int().min(1).default(10),
});

export type KafkaEnv = z.infer<typeof kafkaEnvSchema>;

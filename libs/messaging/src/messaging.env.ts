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
  /** Longest wait of an idle fetch; also bounds how fast an idle consumer notices new data on some brokers. */
  KAFKA_MAX_WAIT_MS: z.coerce.number().int().min(10).max(10_000).default(500),
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

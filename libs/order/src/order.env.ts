import { envBoolean } from '@coursehub/core';
import { kafkaEnvSchema } from '@coursehub/messaging';
import { z } from 'zod';

/**
 * Variables the order feature reads: how long it waits for the course service's `course.get`
 * reply (shared name with the messaging schema) and how it rides out the course service's absence.
 */
export const orderEnvSchema = kafkaEnvSchema
  .pick({ KAFKA_REQUEST_TIMEOUT_MS: true, OUTBOX_POLL_MS: true })
  .extend({
    /**
     * While the course service is unreachable, a course looked up within this long is ordered on its
     * remembered snapshot (price and status as they were then) instead of answering 503.
     */
    COURSE_SNAPSHOT_MAX_STALE_MS: z.coerce.number().int().min(0).default(3_600_000),
    /** After a failed `course.get`, how long orders use remembered snapshots without asking again. */
    COURSE_CATALOG_BACKOFF_MS: z.coerce.number().int().min(0).default(2_000),
    /**
     * When true, `POST /orders` answers 403 to callers whose access token does not say
     * `emailVerified: true` (tokens without the claim count as unverified). Off by default.
     */
    ORDERS_REQUIRE_VERIFIED_EMAIL: envBoolean.default(false),
  });

export type OrderEnv = z.infer<typeof orderEnvSchema>;

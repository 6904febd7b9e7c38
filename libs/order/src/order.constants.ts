/** Name of the order feature's own TypeORM data source. */
export const ORDER_DATA_SOURCE = 'order';

/** How long an `Idempotency-Key` replays its first response; after that the key counts as new. */
export const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 60 * 60;

/** Seconds a client should wait before retrying when the course service does not answer. */
export const COURSE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

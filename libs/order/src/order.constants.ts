/** The order feature's name: also its database, TypeORM data source and transaction host. */
export const ORDER_FEATURE = 'order';

/** Consumer name under which processed `user.deleted` events are recorded (idempotency key scope). */
export const USER_ERASURE_CONSUMER = 'order.user-erasure';

export const ORDER_STATUSES = ['confirmed', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** How long an `Idempotency-Key` replays its first response; after that the key counts as new. */
export const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 60 * 60;

/** Seconds a client should wait before retrying when the course service does not answer. */
export const COURSE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

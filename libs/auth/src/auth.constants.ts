/** The auth feature's name: also its database, TypeORM data source and transaction host. */
export const AUTH_FEATURE = 'auth';

/** One advisory lock for replicas that start together and would each seed the first admin. */
export const ADMIN_SEEDING_LOCK = 'coursehub:auth:seed-admin';

/** Held while removing an admin role, so the count of admins left is exact. */
export const ADMIN_ROLE_LOCK = 'coursehub:auth:admin-roles';

/**
 * The least time `POST /auth/password-reset` takes to answer, whether the address has an account
 * or not: the work differs (a token and an outbox row, or nothing), the answer's timing must not.
 */
export const PASSWORD_RESET_ANSWER_FLOOR_MS = 300;

/** The auth feature's name: also its database, TypeORM data source and transaction host. */
export const AUTH_FEATURE = 'auth';

/** One advisory lock for replicas that start together and would each seed the first admin. */
export const ADMIN_SEEDING_LOCK = 'coursehub:auth:seed-admin';

/** Held while removing an admin role, so the count of admins left is exact. */
export const ADMIN_ROLE_LOCK = 'coursehub:auth:admin-roles';

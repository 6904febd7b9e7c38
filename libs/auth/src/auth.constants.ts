/** Name of the auth feature's own TypeORM data source. */
export const AUTH_DATA_SOURCE = 'auth';

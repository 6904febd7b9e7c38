import { withPostgresClient } from '@coursehub/testing';

/** Runs one query on the database of `url` (a test reading a store directly, as an auditor would). */
export function queryDatabase<T = Record<string, unknown>>(
  url: string,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  return withPostgresClient(url, async (client) => (await client.query(sql, parameters)).rows as T[]);
}

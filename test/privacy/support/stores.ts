import { Client } from 'pg';

/** Runs one query on the database of `url` (a test reading a store directly, as an auditor would). */
export async function queryDatabase<T = Record<string, unknown>>(
  url: string,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, parameters)).rows as T[];
  } finally {
    await client.end();
  }
}

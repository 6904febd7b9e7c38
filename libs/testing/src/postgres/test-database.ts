import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface TemporaryDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Runs `use` on a client connected to `url`, and ends the connection however `use` ends. */
export async function withPostgresClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/**
 * The database `name` on the server of `serverUrl`, with its URL and a `drop` (if it exists) —
 * created by the caller or by an app (the platform creates `<DATABASE_URL's name>_<feature>`).
 */
export function databaseNamed(name: string, serverUrl: string): TemporaryDatabase {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await withPostgresClient(serverUrl, (admin) =>
        admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
}

/**
 * A fresh, empty PostgreSQL database on the server of `serverUrl` (default: DATABASE_URL or
 * the local test server), so every test file runs isolated and leaves nothing behind.
 */
export async function createTemporaryDatabase(
  prefix = 'coursehub_test',
  serverUrl = process.env.TEST_POSTGRES_URL ??
    process.env.DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/test',
): Promise<TemporaryDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  await withPostgresClient(serverUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  return databaseNamed(name, serverUrl);
}

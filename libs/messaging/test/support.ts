import { Client } from 'pg';
import { DlqIo, runDlqCommand } from '../src/consumer/dlq-command';

/** The URL of another database on the same server. */
export function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * Makes a database unavailable for real: no new connections, every open one terminated (what a
 * fail-over or a restart looks like to the app). Returns the function that ends the outage.
 */
export async function takeDatabaseDown(url: string): Promise<() => Promise<void>> {
  const name = new URL(url).pathname.replace(/^\//, '');
  const admin = new Client({ connectionString: databaseUrl(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
  } finally {
    await admin.end();
  }
  return async () => {
    const restorer = new Client({ connectionString: databaseUrl(url, 'postgres') });
    await restorer.connect();
    try {
      await restorer.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    } finally {
      await restorer.end();
    }
  };
}

/** Runs the dlq command in-process and returns its exit code and output. */
export async function dlq(
  argv: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: DlqIo = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const code = await runDlqCommand(argv, env, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A test's counts, printed so a run shows what was checked. */
export function report(test: string, counts: Record<string, number | string>): void {
  process.stdout.write(
    `[${test}] ${Object.entries(counts)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')}\n`,
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

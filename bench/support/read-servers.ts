import { findFreePorts } from '@coursehub/embedded';
import { APP_RUNTIME } from '@coursehub/testing';
import autocannon from 'autocannon';
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { cpuMicrosOf, startBuiltPlatform } from './built-apps';
import type { ReadServerReady } from './read-server-process';

/** A server of the read benchmark running in a child process (see read-server-process.ts). */
export interface ReadServer extends ReadServerReady {
  kind: 'baseline' | 'coursehub' | 'coursehub-uncached' | 'coursehub-logged' | 'platform';
  /** CPU time (user + system) the server process has used since it started, in µs. */
  cpuMicros(): number;
  stop(): Promise<void>;
}

/** The servers read-server-process.ts runs. */
export type ForkedServerKind = Exclude<ReadServer['kind'], 'platform'>;

export async function startReadServer(
  kind: ForkedServerKind,
  databaseUrl: string,
  poolSize: number,
): Promise<ReadServer> {
  // The parent's flags other than --expose-gc are the TypeScript loader's. The course service
  // runs with the settings every app is deployed with; the baseline as a bare node process.
  const execArgv = process.execArgv.filter((flag) => flag !== '--expose-gc');
  const deployed = kind !== 'baseline';
  const child: ChildProcess = fork(
    join(__dirname, 'read-server-process.ts'),
    [kind, databaseUrl, String(poolSize)],
    {
      execArgv: deployed ? [...execArgv, ...APP_RUNTIME.nodeFlags] : execArgv,
      env: deployed ? { ...process.env, ...APP_RUNTIME.env } : process.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const ready = await new Promise<ReadServerReady>((resolve, reject) => {
    child.once('message', (message: ReadServerReady) => resolve(message));
    child.once('exit', (code) => reject(new Error(`${kind} server exited (code ${code}) before listening`)));
  });
  return {
    kind,
    ...ready,
    cpuMicros: () => cpuMicrosOf(child.pid),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send('close');
      }),
  };
}

/**
 * The whole platform as `DATABASE_URL=… npm start` runs it (built, every feature in one process,
 * in-process transport, embedded MongoDB and SMTP sink) on the local PostgreSQL: its databases are
 * `<databaseUrl's name>_<feature>`, so its course database can be one the other servers read.
 */
export async function startPlatformReadServer(databaseUrl: string, dataDir: string): Promise<ReadServer> {
  const [port] = await findFreePorts(1);
  const app = startBuiltPlatform({
    dataDir,
    port,
    logFile: join(dataDir, 'platform.log'),
    // One client address sends every request here: the per-caller search budget would answer 429.
    env: { DATABASE_URL: databaseUrl, SEARCH_RATE_LIMIT: '1000000000' },
  });
  const url = `http://127.0.0.1:${port}`;
  await app.waitUntilReady({ url: `${url}/health/ready`, timeoutMs: 120_000 });
  return {
    kind: 'platform',
    url,
    cpuMicros: () => cpuMicrosOf(app.pid),
    stop: () => app.stop(15_000),
  };
}

export interface LoadFigures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  /** CPU time of the server process per request (not counting PostgreSQL's). */
  cpuMicrosPerRequest?: number;
}

/**
 * autocannon, from this process (the servers each have their own): `connections` keep-alive
 * connections for `seconds`, each request's path from `nextPath`. Any status other than
 * `expectStatus` fails the run: a fast error is no figure.
 */
export async function measureLoad(options: {
  url: string;
  seconds: number;
  connections: number;
  nextPath: () => string;
  headers?: Record<string, string>;
  expectStatus?: number;
}): Promise<LoadFigures> {
  const expected = options.expectStatus ?? 200;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    headers: options.headers,
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: options.nextPath() }) }],
  });
  const statuses = result.statusCodeStats ?? {};
  const wrong = Object.entries(statuses)
    .filter(([status]) => Number(status) !== expected)
    .map(([status, stats]) => `${status}: ${stats.count ?? 0}`);
  if (wrong.length > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `${options.url}: expected only ${expected}, got ${wrong.join(', ') || 'none other'}; ` +
        `${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
  };
}

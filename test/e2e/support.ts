/*
 * What the end-to-end journey needs to run the same test against both deployments: the platform
 * (one process, embedded infrastructure) and the split deployment (four processes over Kafka),
 * each started from the built dist/, plus a small HTTP client, polling and a Prometheus reader.
 */
import { findFreePorts } from '@coursehub/embedded';
import {
  findRepoRoot,
  NodeAppProcess,
  SPLIT_APPS,
  type SplitApp,
  startSplitDeployment,
  apiCall as call,
  eventually,
  type ApiCallResult as CallResult,
  type ApiCallOptions as CallOptions,
} from '@coursehub/testing';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { call, eventually, type CallResult, type CallOptions };

export const repoRoot = findRepoRoot(__dirname);

export type Mode = 'platform' | 'split';
export type Service = SplitApp;
export const SERVICES = SPLIT_APPS;

export interface Account {
  email: string;
  password: string;
}

/** An e-mail as the SMTP sink received it. */
export interface ReceivedEmail {
  to: string[];
  subject: string | undefined;
}

/** A running CourseHub, whichever way it is deployed. */
export interface Deployment {
  mode: Mode;
  /** The base URL serving each service's routes (the same URL four times for the platform). */
  urls: Record<Service, string>;
  /** Everything the SMTP sink has received so far. */
  receivedEmails(): Promise<ReceivedEmail[]>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 150_000;
/** The apps' logs of the latest run (LOG_LEVEL, default warn), one file per app: read them when a step fails. */
const LOG_ROOT = join(repoRoot, '.tmp', 'e2e');

/** `npm run build`: the deployments run dist/, so it has to match the sources under test. */
export function build(): void {
  execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'pipe' });
}

/** Variables that would switch the platform from its embedded infrastructure to real servers. */
const INFRASTRUCTURE_VARS = ['DATABASE_URL', 'MONGO_URL', 'SMTP_URL', 'KAFKA_BROKERS'];

async function startPlatform(admin: Account): Promise<Deployment> {
  const [port] = await findFreePorts(1);
  const dataDir = mkdtempSync(join(tmpdir(), 'coursehub-e2e-platform-'));
  const logDir = join(LOG_ROOT, 'platform');
  mkdirSync(logDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of INFRASTRUCTURE_VARS) delete env[name];
  const platform = NodeAppProcess.start({
    name: 'platform',
    script: join(repoRoot, 'dist', 'apps', 'platform', 'src', 'main.js'),
    cwd: repoRoot,
    env: {
      ...env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
    output: { logFile: join(logDir, 'platform.log') },
  });
  const stop = async () => {
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await platform.waitUntilReady({ url: `${url}/health/ready`, timeoutMs: READY_TIMEOUT_MS });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    mode: 'platform',
    urls: { auth: url, course: url, order: url, email: url },
    receivedEmails: async () => {
      // The platform's read-only view of its embedded SMTP sink.
      const mailbox = await call(url, 'GET', '/dev/mailbox', { headers: { accept: 'application/json' } });
      if (mailbox.status !== 200) throw new Error(`GET /dev/mailbox: ${mailbox.status}`);
      return (mailbox.body as ReceivedEmail[]).map(({ to, subject }) => ({ to, subject }));
    },
    stop,
  };
}

async function startSplit(admin: Account): Promise<Deployment> {
  const split = await startSplitDeployment({
    postgresUrl: process.env.TEST_POSTGRES_URL,
    databases: 'temporary',
    admin,
    logLevel: process.env.LOG_LEVEL ?? 'warn',
    logDir: join(LOG_ROOT, 'split'),
    readyTimeoutMs: READY_TIMEOUT_MS,
  });
  const sink = split.smtp!;
  return {
    mode: 'split',
    urls: split.urls,
    receivedEmails: () => Promise.resolve(sink.messages.map(({ to, subject }) => ({ to, subject }))),
    stop: () => split.stop(),
  };
}

export function startDeployment(mode: Mode, admin: Account): Promise<Deployment> {
  return mode === 'platform' ? startPlatform(admin) : startSplit(admin);
}

/** One series of a Prometheus histogram's `_count`, e.g. requests per method, route and status. */
export interface HistogramCount {
  labels: Record<string, string>;
  count: number;
}

/** The `<name>_count` series of the Prometheus text exposition `text`. */
export function histogramCounts(text: string, name: string): HistogramCount[] {
  const series: HistogramCount[] = [];
  const line = new RegExp(`^${name}_count\\{([^}]*)\\} (\\S+)$`);
  for (const row of text.split('\n')) {
    const match = line.exec(row);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const label of match[1].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[label[1]] = label[2];
    series.push({ labels, count: Number(match[2]) });
  }
  return series;
}

/** Requests counted by the HTTP duration histogram for one method, route template and status. */
export function requestCount(metrics: string, method: string, route: string, statusCode: number): number {
  return histogramCounts(metrics, 'coursehub_http_request_duration_seconds')
    .filter(
      ({ labels }) =>
        labels.method === method && labels.route === route && labels.status_code === String(statusCode),
    )
    .reduce((sum, { count }) => sum + count, 0);
}

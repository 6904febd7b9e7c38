/*
 * What the service-level fault scenarios share: outage lengths from the environment, the public
 * API calls a client makes (register, log in, create and publish courses, order, cancel), real
 * faults (a PostgreSQL database refusing connections, a MongoDB server that goes away) and readers
 * of the stores the counts come from (PostgreSQL, MongoDB, the SMTP sink, the dead letters).
 */
import { MongoWireServer, SmtpSink } from '@coursehub/embedded';
import { DeadLetter, runDlqCommand } from '@coursehub/messaging';
import {
  apiCall,
  type ApiCallResult,
  findRepoRoot,
  withMongoConnection,
  withPostgresClient,
} from '@coursehub/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { apiCall as call, type ApiCallResult };

export const repoRoot = findRepoRoot(__dirname);
/** The apps' logs of the latest run, one file per app: read them when a scenario fails. */
export const LOG_ROOT = join(repoRoot, '.tmp', 'reliability');

/** A duration from the environment (CI keeps outages short), else the default. */
export function envMs(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a whole number of ms`);
  return parsed;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long a fault lasted, and how long the system took to catch up after its repair. */
export interface OutageTiming {
  outageMs: number;
  recoveredAfterMs: number;
}

/**
 * Keeps a fault (already in place) for `during` and at least `minimumMs`, then repairs it, even
 * when `during` fails. `recovered()`, called once the system has caught up, gives the timing.
 */
export async function duringOutage<T>(
  minimumMs: number,
  repair: () => Promise<void>,
  during: () => Promise<T>,
): Promise<{ result: T; recovered: () => OutageTiming }> {
  const downAt = Date.now();
  let result: T;
  try {
    result = await during();
    await sleep(downAt + minimumMs - Date.now());
  } finally {
    await repair();
  }
  const backAt = Date.now();
  return { result, recovered: () => ({ outageMs: backAt - downAt, recoveredAfterMs: Date.now() - backAt }) };
}

/** One line per scenario with what was counted, e.g. `[course db outage] orders=200 …`. */
export function report(scenario: string, counts: Record<string, number | string>): void {
  const fields = Object.entries(counts).map(([name, value]) => `${name}=${value}`);
  process.stdout.write(`[${scenario}] ${fields.join(' ')}\n`);
}

/** Runs `work` on every item with at most `concurrency` at a time; results in the items' order. */
export async function inParallel<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Polls `probe` until `accept` holds; returns the last value (the caller asserts on it). */
export async function waitFor<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!accept(value) && Date.now() < deadline) {
    await sleep(intervalMs);
    value = await probe();
  }
  return value;
}

/** A tally of values, e.g. HTTP statuses: `{ 201: 498, 503: 2 }`. */
export function tally<T extends string | number>(values: readonly T[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}

/**
 * The auth service's settings for these tests: hundreds of registrations and log-ins from one
 * address, tokens that outlive a file, and cheap argon2 parameters (password hashing is not what
 * these scenarios are about, and it would take most of their CPU on two cores).
 */
export const AUTH_TEST_ENV: Record<string, string> = {
  AUTH_THROTTLE_LIMIT: '100000',
  JWT_ACCESS_TOKEN_TTL: '3600',
  AUTH_ARGON2_MEMORY_KIB: '1024',
  AUTH_ARGON2_TIME_COST: '1',
};

/** The order service's: a few students place hundreds of orders within a minute here. */
export const ORDER_TEST_ENV: Record<string, string> = { ORDERS_RATE_LIMIT: '100000' };

export interface Account {
  email: string;
  password: string;
}

export interface Student extends Account {
  id: string;
  token: string;
}

function expectStatus(response: ApiCallResult, status: number, what: string): void {
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  }
}

export async function login(authUrl: string, account: Account): Promise<string> {
  const response = await apiCall(authUrl, 'POST', '/auth/login', { body: account });
  expectStatus(response, 200, `POST /auth/login ${account.email}`);
  return response.body.accessToken as string;
}

/** A unique e-mail address of a run, e.g. `student-3-a1b2c3@reliability.test`. */
export function uniqueEmail(name: string): string {
  return `${name}-${randomBytes(3).toString('hex')}@reliability.test`;
}

/** Registers an account through the auth API; resolves with the registration's response. */
export function register(authUrl: string, email: string): Promise<ApiCallResult> {
  return apiCall(authUrl, 'POST', '/auth/register', {
    body: { email, password: 'reliability-password-1', displayName: email.split('@')[0] },
  });
}

/** `count` students, registered and logged in through the auth API. */
export async function registerStudents(authUrl: string, count: number, name: string): Promise<Student[]> {
  return inParallel(
    Array.from({ length: count }, (_, index) => index),
    4,
    async (index) => {
      const email = uniqueEmail(`${name}-${index}`);
      const registration = await register(authUrl, email);
      expectStatus(registration, 201, `POST /auth/register ${email}`);
      const account = { email, password: 'reliability-password-1' };
      return { ...account, id: registration.body.id as string, token: await login(authUrl, account) };
    },
  );
}

/** `count` published courses, created by `token` (an admin or instructor) through the course API. */
export async function publishCourses(
  courseUrl: string,
  token: string,
  count: number,
  name: string,
): Promise<string[]> {
  const run = randomBytes(3).toString('hex');
  return inParallel(
    Array.from({ length: count }, (_, index) => index),
    4,
    async (index) => {
      const creation = await apiCall(courseUrl, 'POST', '/courses', {
        token,
        body: {
          title: `${name} ${index} ${run}`,
          summary: `A course of the ${name} scenario.`,
          description: `Created by the reliability tests (${name}, run ${run}).`,
          tags: ['reliability', name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()],
          category: 'development',
          level: 'beginner',
          language: 'en',
          price: 1000 + index,
          currency: 'EUR',
        },
      });
      expectStatus(creation, 201, 'POST /courses');
      const id = creation.body.id as string;
      expectStatus(await apiCall(courseUrl, 'POST', `/courses/${id}/publish`, { token }), 200, 'publish');
      return id;
    },
  );
}

/** Every (student, course) pair once, students varying fastest: orders spread over both. */
export function orderPlan(
  students: Student[],
  courseIds: string[],
): { student: Student; courseId: string }[] {
  return courseIds.flatMap((courseId) => students.map((student) => ({ student, courseId })));
}

export function placeOrder(
  orderUrl: string,
  student: Student,
  courseId: string,
  idempotencyKey?: string,
): Promise<ApiCallResult> {
  return apiCall(orderUrl, 'POST', '/orders', {
    token: student.token,
    body: { courseId },
    headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : undefined,
  });
}

export function cancelOrder(orderUrl: string, student: Student, orderId: string): Promise<ApiCallResult> {
  return apiCall(orderUrl, 'POST', `/orders/${orderId}/cancel`, {
    token: student.token,
    body: { reason: 'Changed my mind' },
  });
}

function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

function maintenanceUrlOf(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/postgres';
  return parsed.toString();
}

/**
 * Makes a database unavailable as a fail-over or restart does: no new connections
 * (`ALLOW_CONNECTIONS false`), every open one terminated. Returns the function that ends it.
 */
export async function takeDatabaseDown(url: string): Promise<() => Promise<void>> {
  const name = databaseNameOf(url);
  await withPostgresClient(maintenanceUrlOf(url), async (admin) => {
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
  });
  return () =>
    withPostgresClient(maintenanceUrlOf(url), async (admin) => {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    });
}

/** The enrolments of `orderIds` in a course database, by state. */
export async function enrolmentsOf(
  courseDatabaseUrl: string,
  orderIds: string[],
): Promise<{ active: number; cancelled: number; rows: number }> {
  return withPostgresClient(courseDatabaseUrl, async (client) => {
    const { rows } = await client.query<{ active: number; cancelled: number; rows: number }>(
      `SELECT count(*) FILTER (WHERE cancelled_at IS NULL)::int AS active,
              count(*) FILTER (WHERE cancelled_at IS NOT NULL)::int AS cancelled,
              count(*)::int AS rows
         FROM course_enrolments WHERE order_id = ANY($1::uuid[])`,
      [orderIds],
    );
    return rows[0];
  });
}

/** The sum of `courses.enrolment_count` over `courseIds` (what a double effect would inflate). */
export async function enrolmentCountOf(courseDatabaseUrl: string, courseIds: string[]): Promise<number> {
  return withPostgresClient(courseDatabaseUrl, async (client) => {
    const { rows } = await client.query<{ total: number }>(
      'SELECT coalesce(sum(enrolment_count), 0)::int AS total FROM courses WHERE id = ANY($1::uuid[])',
      [courseIds],
    );
    return rows[0].total;
  });
}

/**
 * An embedded MongoDB that really goes away: `stop()` closes every connection and the listener
 * (the driver sees refused connections), `restart()` serves the same data on the same port.
 */
export class RestartableMongo {
  private constructor(
    private server: MongoWireServer,
    private readonly directory: string,
  ) {}

  static async start(): Promise<RestartableMongo> {
    const directory = mkdtempSync(join(tmpdir(), 'reliability-mongo-'));
    return new RestartableMongo(await MongoWireServer.start(RestartableMongo.options(directory)), directory);
  }

  /**
   * The data survives a stop in a file (`stop()` writes it). Rewriting the whole file after every
   * burst of writes costs CPU in this process as the collections grow, so only once a second.
   */
  private static options(directory: string, port?: number) {
    return { port, persistFile: join(directory, 'data.json'), persistDebounceMs: 1_000 };
  }

  /** Connection string of `database` on this server. */
  url(database: string): string {
    return `${this.server.url}${database}`;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  async restart(): Promise<void> {
    const { port } = this.server;
    // The port was ours a moment ago; another process may hold it briefly (TIME_WAIT is fine).
    for (let attempt = 1; ; attempt++) {
      try {
        this.server = await MongoWireServer.start(RestartableMongo.options(this.directory, port));
        return;
      } catch (error) {
        if (attempt >= 20) throw error;
        await sleep(250);
      }
    }
  }

  async close(): Promise<void> {
    await this.server.stop();
    rmSync(this.directory, { recursive: true, force: true });
  }
}

/** What the e-mail service recorded in MongoDB (collection `emails`). */
export interface StoredEmail {
  eventId: string;
  to: string | null;
  template: string;
  status: string;
  attempts: number;
  providerMessageId: string | null;
  data: Record<string, unknown>;
}

/** The e-mail records matching `filter`, read with the MongoDB driver. */
export function storedEmails(mongoUrl: string, filter: Record<string, unknown>): Promise<StoredEmail[]> {
  return withMongoConnection(mongoUrl, { serverSelectionTimeoutMS: 5_000 }, (connection) =>
    connection.collection<StoredEmail>('emails').find(filter).toArray(),
  );
}

/** How many messages the sink received under each Message-ID. */
export function messagesPerMessageId(sink: SmtpSink): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of sink.messages) {
    if (message.messageId) counts.set(message.messageId, (counts.get(message.messageId) ?? 0) + 1);
  }
  return counts;
}

/**
 * Checks e-mails as the recipient's servers would see them: each record of `records` is `sent`,
 * and its Message-ID reached the sink exactly once. Returns the tallies for the report.
 */
export function deliveryTally(
  sink: SmtpSink,
  records: StoredEmail[],
): { sent: number; once: number; twiceOrMore: number; missing: number } {
  const perMessageId = messagesPerMessageId(sink);
  const counts = records.map((record) =>
    record.providerMessageId ? (perMessageId.get(record.providerMessageId) ?? 0) : 0,
  );
  return {
    sent: records.filter((record) => record.status === 'sent').length,
    once: counts.filter((count) => count === 1).length,
    twiceOrMore: counts.filter((count) => count > 1).length,
    missing: counts.filter((count) => count === 0).length,
  };
}

/** The dead letters as `npm run dlq -- list --json` shows them (same code, run in this process). */
export async function listDeadLetters(
  env: Record<string, string | undefined>,
  extraArguments: string[] = [],
): Promise<DeadLetter[]> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDlqCommand(['list', '--json', ...extraArguments], env, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  if (code !== 0) throw new Error(`npm run dlq -- list exited with ${code}: ${err.join('\n')}`);
  return JSON.parse(out.join('\n')) as DeadLetter[];
}

/** A fresh temporary directory, removed by the returned function. */
export function temporaryDirectory(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

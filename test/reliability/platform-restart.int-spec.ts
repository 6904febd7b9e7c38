/*
 * The single-process platform (`node dist/apps/platform/src/main.js`, in-process transport) told
 * to stop (SIGTERM, as systemd, Docker or Kubernetes do) in the middle of a burst of orders, then
 * started again on the same DATA_DIR: every order's `order.confirmed` is handled exactly once. The
 * platform runs on the local PostgreSQL (DATABASE_URL: one database per feature, so the test can
 * read the stores), a Mongo wire server and an SMTP sink of this test. Logs: .tmp/reliability/platform/.
 */
import { orderConfirmed } from '@coursehub/contracts';
import { findFreePorts, MongoWireServer, SmtpSink } from '@coursehub/embedded';
import { databaseNamed, NodeAppProcess, withPostgresClient } from '@coursehub/testing';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Account,
  type ApiCallResult,
  AUTH_TEST_ENV,
  deliveryTally,
  enrolmentCountOf,
  enrolmentsOf,
  inParallel,
  listDeadLetters,
  LOG_ROOT,
  login,
  ORDER_TEST_ENV,
  orderPlan,
  placeOrder,
  publishCourses,
  registerStudents,
  repoRoot,
  report,
  storedEmails,
  type Student,
  tally,
  temporaryDirectory,
  waitFor,
} from './support';

const ADMIN: Account = { email: 'admin@reliability.test', password: 'admin-password-123' };
const STUDENTS = 10;
const COURSES = 20;
/** SIGTERM once this many orders of the burst have been confirmed to their clients. */
const SIGTERM_AFTER = 60;
const SETTLE_MS = 90_000;
const READY_TIMEOUT_MS = 150_000;

describe('the platform stopped with SIGTERM during a burst of orders and started again', () => {
  const serverUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const prefix = `reliability_platform_${randomBytes(4).toString('hex')}`;
  const databaseUrl = (feature: string) => databaseNamed(`${prefix}_${feature}`, serverUrl).url;
  const logFile = join(LOG_ROOT, 'platform', 'platform.log');
  let dataDir: { path: string; remove: () => void };
  let mongo: MongoWireServer;
  let sink: SmtpSink;
  let url: string;
  let env: NodeJS.ProcessEnv;
  let platform: NodeAppProcess | undefined;
  let students: Student[];
  let courses: string[];

  /** Starts the platform on the same DATA_DIR, databases, MongoDB and relay; resolves once ready. */
  async function startPlatform(append: boolean): Promise<number> {
    const started = Date.now();
    platform = NodeAppProcess.start({
      name: 'platform',
      script: join(repoRoot, 'dist', 'apps', 'platform', 'src', 'main.js'),
      cwd: repoRoot,
      env,
      output: { logFile, append },
    });
    await platform.waitUntilReady({ url: `${url}/health/ready`, timeoutMs: READY_TIMEOUT_MS });
    return Date.now() - started;
  }

  /** Confirmed orders of the burst, their enrolments, and the events not yet marked sent. */
  async function stateOfTheStores(): Promise<{ orders: number; enrolled: number; unsent: number }> {
    const [orders, unsent] = await withPostgresClient(databaseUrl('order'), async (client) => {
      const stored = await client.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM orders WHERE status = 'confirmed' AND course_id = ANY($1::uuid[])`,
        [courses],
      );
      const pending = await client.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM outbox_messages WHERE sent_at IS NULL',
      );
      return [stored.rows[0].count, pending.rows[0].count];
    });
    const enrolled = await withPostgresClient(databaseUrl('course'), async (client) => {
      const { rows } = await client.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM course_enrolments WHERE course_id = ANY($1::uuid[])',
        [courses],
      );
      return rows[0].count;
    });
    return { orders, enrolled, unsent };
  }

  beforeAll(async () => {
    execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'pipe' });
    mkdirSync(join(LOG_ROOT, 'platform'), { recursive: true });
    dataDir = temporaryDirectory('reliability-platform-');
    [mongo, sink] = await Promise.all([MongoWireServer.start(), SmtpSink.start()]);
    const [port] = await findFreePorts(1);
    url = `http://127.0.0.1:${port}`;
    const inherited: NodeJS.ProcessEnv = { ...process.env };
    delete inherited.KAFKA_BROKERS; // the in-process transport
    env = {
      ...inherited,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir.path,
      // The server and the prefix: the platform creates <prefix>_auth, <prefix>_course, <prefix>_order.
      DATABASE_URL: databaseNamed(prefix, serverUrl).url,
      MONGO_URL: `${mongo.url}coursehub_email`,
      SMTP_URL: sink.url,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ...AUTH_TEST_ENV,
      ...ORDER_TEST_ENV,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    };
    await startPlatform(false);
    const adminToken = await login(url, ADMIN);
    students = await registerStudents(url, STUDENTS, 'platform-student');
    courses = await publishCourses(url, adminToken, COURSES, 'platform-burst');
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
    for (const feature of ['auth', 'course', 'order'])
      await databaseNamed(`${prefix}_${feature}`, serverUrl).drop();
    await Promise.all([mongo?.stop(), sink?.stop()]);
    dataDir?.remove();
  }, 60_000);

  it('5. handles every confirmed order exactly once: enrolments and e-mails equal the orders', async () => {
    const started = Date.now();
    const plan = orderPlan(students, courses);
    // Each order has its Idempotency-Key, so a client can retry it safely whatever happened to it.
    const keys = plan.map(() => `burst-${randomBytes(8).toString('hex')}`);
    const attempt = (index: number): Promise<ApiCallResult | { status: 0; body: string }> =>
      placeOrder(url, plan[index].student, plan[index].courseId, keys[index]).catch((error: Error) => ({
        status: 0 as const,
        body: String((error.cause as Error | undefined)?.message ?? error.message),
      }));

    let confirmedToClients = 0;
    let sigtermAt = 0;
    const first = inParallel(plan, 8, async (_, index) => {
      const response = await attempt(index);
      if (response.status === 201 && ++confirmedToClients === SIGTERM_AFTER) {
        sigtermAt = Date.now();
        void platform!.stop(30_000);
      }
      return response;
    });
    const firstResponses = await first;
    await platform!.stop(30_000); // resolves once it has exited
    const exitStatus = platform!.exitStatus;
    const stopMs = Date.now() - sigtermAt;
    // What the stopped platform left: orders stored, their events handled or still in the outbox.
    const atExit = await stateOfTheStores();

    const restartMs = await startPlatform(true);
    // Clients retry what did not answer 201 with the same key: the replay of the first answer, a
    // new order, or 409 when the order exists (the answer to the first try was lost).
    const unanswered = firstResponses.flatMap((response, index) => (response.status === 201 ? [] : [index]));
    const retried = await inParallel(unanswered, 8, (index) => attempt(index));

    const orders = await withPostgresClient(databaseUrl('order'), async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `SELECT id FROM orders WHERE status = 'confirmed' AND course_id = ANY($1::uuid[])`,
        [courses],
      );
      return rows.map((row) => row.id);
    });
    const enrolments = await waitFor(
      () => enrolmentsOf(databaseUrl('course'), orders),
      (counts) => counts.active === orders.length,
      SETTLE_MS,
    );
    const eventIds = await withPostgresClient(databaseUrl('order'), async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `SELECT envelope->>'id' AS id FROM outbox_messages WHERE topic = $1 AND message_key = ANY($2::text[])`,
        [orderConfirmed.topic, orders],
      );
      return rows.map((row) => row.id);
    });
    const processed = await withPostgresClient(databaseUrl('course'), async (client) => {
      const { rows } = await client.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM processed_events
          WHERE consumer = 'course.enrolments' AND event_id = ANY($1::uuid[])`,
        [eventIds],
      );
      return rows[0].count;
    });
    const enrolmentCount = await enrolmentCountOf(databaseUrl('course'), courses);
    const records = await waitFor(
      () => storedEmails(env.MONGO_URL!, { template: 'order-confirmed', 'data.orderId': { $in: orders } }),
      (found) => found.length === orders.length && found.every((record) => record.status === 'sent'),
      SETTLE_MS,
      500,
    );
    const delivery = deliveryTally(sink, records);
    const deadLetters = await listDeadLetters({ DATABASE_URL: env.DATABASE_URL }, ['--platform']);
    report('platform SIGTERM mid-burst', {
      orders: orders.length,
      confirmedBeforeSigterm: SIGTERM_AFTER,
      ordersAtExit: atExit.orders,
      enrolledAtExit: atExit.enrolled,
      unsentEventsAtExit: atExit.unsent,
      firstTry: JSON.stringify(tally(firstResponses.map((response) => response.status))),
      retried: JSON.stringify(tally(retried.map((response) => response.status))),
      exit: `${exitStatus?.code ?? exitStatus?.signal}`,
      stopMs,
      restartMs,
      enrolments: enrolments.active,
      processedEvents: processed,
      enrolmentCount,
      emailsSentOnce: delivery.once,
      emailsTwiceOrMore: delivery.twiceOrMore,
      deadLetters: deadLetters.length,
      ms: Date.now() - started,
    });
    // A graceful stop: exit code 0, not killed at the deadline.
    expect(exitStatus).toEqual({ code: 0, signal: null });
    expect(retried.every((response) => response.status === 201 || response.status === 409)).toBe(true);
    // Every (student, course) pair ordered once in the end, whichever try created it.
    expect(orders).toHaveLength(plan.length);
    expect(enrolments).toEqual({ active: plan.length, cancelled: 0, rows: plan.length });
    expect(eventIds).toHaveLength(plan.length);
    expect(processed).toBe(plan.length);
    expect(enrolmentCount).toBe(plan.length);
    expect(records).toHaveLength(plan.length);
    expect(delivery).toEqual({ sent: plan.length, once: plan.length, twiceOrMore: 0, missing: 0 });
    expect(deadLetters).toEqual([]);
  }, 240_000);
});

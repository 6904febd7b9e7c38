/*
 * "Nothing lost, nothing stuck" as an operator sees it: the four services as real processes (the
 * built dist/ over the librdkafka mock cluster, local PostgreSQL, the Mongo wire server, the SMTP
 * sink), real faults, and only the public HTTP APIs to act. Every scenario ends with exact counts
 * from the stores: enrolments in the course database, e-mail records in MongoDB, messages per
 * Message-ID at the sink, dead letters as `npm run dlq -- list` shows them. One deployment serves
 * every scenario (each with its own courses, so its counts are its own). The scenarios keep the
 * issue's numbers; the e-mail ones run first, while the embedded MongoDB's `emails` collection is
 * still small (it scans it, and every order adds an e-mail). Logs: .tmp/reliability/split/.
 */
import { courseGet, orderConfirmed } from '@coursehub/contracts';
import type { DeadLetter } from '@coursehub/messaging';
import {
  KafkaMockCluster,
  type SplitDeployment,
  startSplitDeployment,
  withPostgresClient,
} from '@coursehub/testing';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  type Account,
  AUTH_TEST_ENV,
  call,
  cancelOrder,
  deliveryTally,
  duringOutage,
  enrolmentCountOf,
  enrolmentsOf,
  envMs,
  inParallel,
  listDeadLetters,
  LOG_ROOT,
  login,
  messagesPerMessageId,
  ORDER_TEST_ENV,
  type OutageTiming,
  orderPlan,
  placeOrder,
  publishCourses,
  register,
  registerStudents,
  repoRoot,
  report,
  RestartableMongo,
  sleep,
  storedEmails,
  type StoredEmail,
  type Student,
  takeDatabaseDown,
  tally,
  uniqueEmail,
  waitFor,
} from './support';

const DB_OUTAGE_MS = envMs('RELIABILITY_DB_OUTAGE_MS', 15_000);
// The 30 s (the consumer's capped backoff then adds up to 25 s to the run); shorter in a hurry.
const MONGO_OUTAGE_MS = envMs('RELIABILITY_MONGO_OUTAGE_MS', 30_000);
const KAFKA_OUTAGE_MS = envMs('RELIABILITY_KAFKA_OUTAGE_MS', 30_000);
/** The "done when": cancellations of the outage applied this soon after the database is back. */
const DB_RECOVERY_LIMIT_MS = 30_000;
/** How long the stores may take to settle after a fault ends (far above what the runs measure). */
const SETTLE_MS = 90_000;
const CONCURRENCY = 8;

const ADMIN: Account = { email: 'admin@reliability.test', password: 'admin-password-123' };
const STALE_METRIC = 'coursehub_order_course_snapshots_stale_total';

describe('service-level faults in the split deployment', () => {
  let kafka: KafkaMockCluster;
  let mongo: RestartableMongo;
  let split: SplitDeployment;
  let adminToken: string;
  /** Students shared by the order scenarios; each scenario orders its own courses. */
  let students: Student[];
  const mongoUrl = () => mongo.url('coursehub_email');
  const kafkaEnv = () => ({
    KAFKA_BROKERS: kafka.bootstrapServers.join(','),
    KAFKA_IDEMPOTENT_PRODUCER: 'false',
  });

  beforeAll(async () => {
    // The deployment runs dist/: build it from the sources under test (swc, about a second).
    execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'pipe' });
    // Kafka's usual default: a topic auto-created with one partition. The reply topic of course.get
    // exists with one partition before any order replica subscribes (scenario 6).
    kafka = await KafkaMockCluster.start({ topics: [{ name: `${courseGet.topic}.reply`, partitions: 1 }] });
    mongo = await RestartableMongo.start();
    split = await startSplitDeployment({
      postgresUrl: process.env.TEST_POSTGRES_URL,
      databases: 'temporary',
      kafka,
      mongoUrl: mongoUrl(),
      admin: ADMIN,
      logLevel: process.env.LOG_LEVEL ?? 'warn',
      logDir: join(LOG_ROOT, 'split'),
      readyTimeoutMs: 120_000,
      appEnv: {
        auth: AUTH_TEST_ENV,
        order: ORDER_TEST_ENV,
      },
    });
    adminToken = await login(split.urls.auth, ADMIN);
    students = await registerStudents(split.urls.auth, 25, 'student');
  }, 240_000);

  afterAll(async () => {
    await split?.stop();
    await kafka?.stop();
    await mongo?.close();
  }, 120_000);

  const orderDeadLetters = async () =>
    (await listDeadLetters(kafkaEnv())).filter((deadLetter) =>
      deadLetter.topic.startsWith('coursehub.order.'),
    );

  const staleAnswers = async (orderUrl: string) => {
    const metrics = await call(orderUrl, 'GET', '/metrics');
    const line = (metrics.body as string).split('\n').find((row) => row.startsWith(`${STALE_METRIC} `));
    return line ? Number(line.split(' ')[1]) : 0;
  };

  /** Places one order per course first, so the order service knows every course before a fault. */
  async function placeWarmUpOrders(plan: ReturnType<typeof orderPlan>) {
    const seen = new Set<string>();
    const warmUp = plan.filter(({ courseId }) => !seen.has(courseId) && seen.add(courseId));
    const placed = await inParallel(warmUp, CONCURRENCY, async ({ student, courseId }) => ({
      student,
      response: await placeOrder(split.urls.order, student, courseId),
    }));
    expect(tally(placed.map(({ response }) => response.status))).toEqual({ '201': warmUp.length });
    return { placed, rest: plan.filter((entry) => !warmUp.includes(entry)) };
  }

  /**
   * Once a scenario's e-mail records settled: the recovery timing, then, a few delivery-worker polls
   * later (nothing may be sent again), how often the sink received each record's message.
   */
  async function deliveryAfterPolls(records: StoredEmail[], recovered: () => OutageTiming) {
    const timing = recovered();
    await sleep(1_500);
    return { timing, delivery: deliveryTally(split.smtp!, records) };
  }

  /**
   * Reports a scenario whose outcome is one e-mail per request (its own counts first), then checks
   * it: each of the `expected` requests answered 201, each e-mail record sent and received exactly
   * once, no dead letter.
   */
  function reportEmailedOnce(
    scenario: string,
    expected: number,
    outcome: {
      statuses: number[];
      records: StoredEmail[];
      delivery: ReturnType<typeof deliveryTally>;
      deadLetters: DeadLetter[];
      timing: OutageTiming;
    },
    counts: Record<string, number>,
  ): void {
    const { statuses, records, delivery, deadLetters, timing } = outcome;
    report(scenario, { ...counts, records: records.length, ...delivery, dlq: deadLetters.length, ...timing });
    expect(tally(statuses)).toEqual({ '201': expected });
    expect(records).toHaveLength(expected);
    expect(delivery).toEqual({ sent: expected, once: expected, twiceOrMore: 0, missing: 0 });
    expect(deadLetters).toEqual([]);
  }

  it('2. MongoDB away during 100 registrations: 100 welcome e-mails, each once', async () => {
    const emails = Array.from({ length: 100 }, (_, index) => uniqueEmail(`newcomer-${index}`));
    await mongo.stop();
    const { result: registrations, recovered } = await duringOutage(
      MONGO_OUTAGE_MS,
      () => mongo.restart(),
      () => inParallel(emails, 4, (email) => register(split.urls.auth, email)),
    );
    const recipients = new Set(emails);
    // Registration also e-mails a verification link: count the welcome e-mails only.
    const welcomesAtSink = () =>
      split.smtp!.messages.filter(
        (message) =>
          message.subject === 'Welcome to CourseHub' && message.to.some((to) => recipients.has(to)),
      );
    await waitFor(
      () => Promise.resolve(new Set(welcomesAtSink().flatMap((message) => message.to)).size),
      (count) => count === 100,
      SETTLE_MS,
    );
    const records = await waitFor(
      () => storedEmails(mongoUrl(), { template: 'welcome', to: { $in: emails } }),
      (found) => found.length === 100 && found.every((record) => record.status === 'sent'),
      SETTLE_MS,
    );
    const { timing, delivery } = await deliveryAfterPolls(records, recovered);
    const atSink = welcomesAtSink();
    const perMessageId = messagesPerMessageId(split.smtp!);
    const deadLetters = (await listDeadLetters(kafkaEnv())).filter((deadLetter) =>
      deadLetter.topic.startsWith('coursehub.user.'),
    );
    reportEmailedOnce(
      'mongo outage',
      100,
      { statuses: registrations.map((response) => response.status), records, delivery, deadLetters, timing },
      { registrations: registrations.length, messagesAtSink: atSink.length },
    );
    // At the sink: one message per recipient, 100 different Message-IDs, each received once.
    expect(atSink).toHaveLength(100);
    expect(new Set(atSink.flatMap((message) => message.to))).toEqual(recipients);
    expect(atSink.every((message) => perMessageId.get(message.messageId!) === 1)).toBe(true);
    expect(new Set(atSink.map((message) => message.messageId)).size).toBe(100);
  }, 240_000);

  it('3. every Kafka broker down during 500 orders: every POST /orders succeeds, every confirmation arrives once', async () => {
    const courses = await publishCourses(split.urls.course, adminToken, 20, 'kafka-outage');
    const plan = orderPlan(students, courses);
    const warmUp = await placeWarmUpOrders(plan);

    await kafka.allBrokersDown();
    const { result, recovered } = await duringOutage(
      KAFKA_OUTAGE_MS,
      () => kafka.allBrokersUp(),
      async () => ({
        rest: await inParallel(warmUp.rest, CONCURRENCY, ({ student, courseId }) =>
          placeOrder(split.urls.order, student, courseId),
        ),
        readyDuringOutage: (await call(split.urls.order, 'GET', '/health/ready')).status,
      }),
    );
    const { rest, readyDuringOutage } = result;
    const responses = [...warmUp.placed.map(({ response }) => response), ...rest];
    const orderIds = responses.map((response) => response.body.id as string);

    const records = await waitFor(
      () => storedEmails(mongoUrl(), { template: 'order-confirmed', 'data.orderId': { $in: orderIds } }),
      (found) => found.length === 500 && found.every((record) => record.status === 'sent'),
      SETTLE_MS,
      1_000,
    );
    const { timing, delivery } = await deliveryAfterPolls(records, recovered);
    const enrolments = await waitFor(
      () => enrolmentsOf(split.databaseUrls.course, orderIds),
      (counts) => counts.active === 500,
      SETTLE_MS,
    );
    const deadLetters = await orderDeadLetters();
    reportEmailedOnce(
      'kafka outage',
      500,
      { statuses: responses.map((response) => response.status), records, delivery, deadLetters, timing },
      {
        orders: responses.length,
        created: responses.filter((response) => response.status === 201).length,
        placedDuringOutage: rest.length,
        orderReadyDuringOutage: readyDuringOutage,
        enrolmentsActive: enrolments.active,
      },
    );
    // Readiness depends on the order database only: a broker outage takes no replica out.
    expect(readyDuringOutage).toBe(200);
    expect(enrolments).toEqual({ active: 500, cancelled: 0, rows: 500 });
  }, 240_000);

  it('6. three order replicas, a one-partition reply topic: every one of 300 orders succeeds', async () => {
    const started = Date.now();
    const extra = await Promise.all([split.startReplica('order'), split.startReplica('order')]);
    try {
      const urls = [split.urls.order, ...extra.map((replica) => replica.url)];
      const staleBefore = await Promise.all(urls.map(staleAnswers));
      const courses = await publishCourses(split.urls.course, adminToken, 20, 'replicas');
      const plan = orderPlan(students.slice(0, 15), courses);

      const placed = await inParallel(plan, CONCURRENCY + 1, async ({ student, courseId }, index) => {
        const url = urls[index % urls.length];
        return { url, response: await placeOrder(url, student, courseId) };
      });

      const statuses = tally(placed.map(({ response }) => response.status));
      const perReplica = urls.map((url) => placed.filter((entry) => entry.url === url).length);
      const staleAfter = await Promise.all(urls.map(staleAnswers));
      const staleDuringRun = staleAfter.reduce((sum, value, index) => sum + value - staleBefore[index], 0);
      report('three order replicas, one reply partition', {
        orders: plan.length,
        succeeded: statuses['201'] ?? 0,
        statuses: JSON.stringify(statuses),
        perReplica: perReplica.join('/'),
        staleAnswers: staleDuringRun,
        ms: Date.now() - started,
      });
      const failed = placed.find(({ response }) => response.status !== 201);
      if (failed)
        report('first failed order', { replica: failed.url, body: JSON.stringify(failed.response.body) });
      expect(statuses).toEqual({ '201': 300 });
      expect(perReplica).toEqual([100, 100, 100]);
      // Every replica got its course.get replies; none fell back on a remembered snapshot.
      expect(staleDuringRun).toBe(0);
      const enrolments = await waitFor(
        () =>
          enrolmentsOf(
            split.databaseUrls.course,
            placed.map(({ response }) => response.body.id as string),
          ),
        (counts) => counts.active === 300,
        SETTLE_MS,
      );
      expect(enrolments).toEqual({ active: 300, cancelled: 0, rows: 300 });
    } finally {
      await Promise.all(extra.map((replica) => replica.stop()));
    }
  }, 180_000);

  it("1. the course service's database refuses connections while 200 orders are placed and 100 cancelled", async () => {
    const courses = await publishCourses(split.urls.course, adminToken, 10, 'db-outage');
    const plan = orderPlan(students.slice(0, 20), courses);
    const warmUp = await placeWarmUpOrders(plan);

    const bringBack = await takeDatabaseDown(split.databaseUrls.course);
    const { result, recovered } = await duringOutage(DB_OUTAGE_MS, bringBack, async () => {
      const rest = await inParallel(warmUp.rest, CONCURRENCY, async ({ student, courseId }) => ({
        student,
        response: await placeOrder(split.urls.order, student, courseId),
      }));
      const placed = [...warmUp.placed, ...rest];
      // Every second order is cancelled, all while the course database is still away.
      const toCancel = placed.filter((_, index) => index % 2 === 1);
      const cancelled = await inParallel(toCancel, CONCURRENCY, ({ student, response }) =>
        cancelOrder(split.urls.order, student, response.body.id as string),
      );
      return { placed, cancelled };
    });
    const { placed, cancelled } = result;
    const orderIds = placed.map(({ response }) => response.body.id as string);

    const enrolments = await waitFor(
      () => enrolmentsOf(split.databaseUrls.course, orderIds),
      (counts) => counts.active === 100 && counts.cancelled === 100,
      SETTLE_MS,
    );
    const timing = recovered();
    const enrolmentCount = await enrolmentCountOf(split.databaseUrls.course, courses);
    const deadLetters = await orderDeadLetters();
    report('course db outage', {
      orders: placed.length,
      cancelled: cancelled.length,
      enrolmentsActive: enrolments.active,
      enrolmentsCancelled: enrolments.cancelled,
      enrolmentCount,
      dlq: deadLetters.length,
      ...timing,
    });
    expect(tally(placed.map(({ response }) => response.status))).toEqual({ '201': 200 });
    expect(tally(cancelled.map((response) => response.status))).toEqual({ '200': 100 });
    expect(enrolments).toEqual({ active: 100, cancelled: 100, rows: 200 });
    // courses.enrolment_count moved once per effect: a repeated effect would show here.
    expect(enrolmentCount).toBe(100);
    expect(deadLetters).toEqual([]);
    expect(timing.recoveredAfterMs).toBeLessThanOrEqual(DB_RECOVERY_LIMIT_MS);
  }, 180_000);

  it('4. the course service killed with SIGKILL in the middle of 1,000 order events: exactly 1,000 effects', async () => {
    const started = Date.now();
    const courses = await publishCourses(split.urls.course, adminToken, 40, 'sigkill');
    const plan = orderPlan(students, courses);
    const warmUp = await placeWarmUpOrders(plan);
    const enrolledSoFar = () =>
      withPostgresClient(split.databaseUrls.course, async (client) => {
        const { rows } = await client.query<{ count: number }>(
          'SELECT count(*)::int AS count FROM course_enrolments WHERE course_id = ANY($1::uuid[])',
          [courses],
        );
        return rows[0].count;
      });

    // The kill lands once 400 of the 1,000 enrolments exist; orders keep coming meanwhile.
    let enrolledAtKill = -1;
    let restartMs = 0;
    const killer = (async () => {
      await waitFor(enrolledSoFar, (count) => count >= 400, SETTLE_MS, 50);
      await split.kill('course', 'SIGKILL');
      enrolledAtKill = await enrolledSoFar();
      const restarting = Date.now();
      await split.restart('course');
      restartMs = Date.now() - restarting;
    })();
    const rest = await inParallel(warmUp.rest, CONCURRENCY, ({ student, courseId }) =>
      placeOrder(split.urls.order, student, courseId),
    );
    await killer;
    const responses = [...warmUp.placed.map(({ response }) => response), ...rest];
    const orderIds = responses.map((response) => response.body.id as string);

    const enrolments = await waitFor(
      () => enrolmentsOf(split.databaseUrls.course, orderIds),
      (counts) => counts.active === 1_000,
      SETTLE_MS,
    );
    const eventIds = await withPostgresClient(split.databaseUrls.order, async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `SELECT envelope->>'id' AS id FROM outbox_messages WHERE topic = $1 AND message_key = ANY($2::text[])`,
        [orderConfirmed.topic, orderIds],
      );
      return rows.map((row) => row.id);
    });
    const processed = await withPostgresClient(split.databaseUrls.course, async (client) => {
      const { rows } = await client.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM processed_events
          WHERE consumer = 'course.enrolments' AND event_id = ANY($1::uuid[])`,
        [eventIds],
      );
      return rows[0].count;
    });
    const enrolmentCount = await enrolmentCountOf(split.databaseUrls.course, courses);
    report('course SIGKILL mid-stream', {
      orders: responses.length,
      enrolledAtKill,
      restartMs,
      enrolments: enrolments.rows,
      processedEvents: processed,
      enrolmentCount,
      ms: Date.now() - started,
    });
    expect(tally(responses.map((response) => response.status))).toEqual({ '201': 1_000 });
    expect(enrolledAtKill).toBeGreaterThan(0);
    expect(enrolledAtKill).toBeLessThan(1_000);
    expect(enrolments).toEqual({ active: 1_000, cancelled: 0, rows: 1_000 });
    expect(eventIds).toHaveLength(1_000);
    expect(processed).toBe(1_000);
    expect(enrolmentCount).toBe(1_000);
  }, 240_000);
});

import { createEnvelope, orderConfirmed } from '@coursehub/contracts';
import { createHttpApp } from '@coursehub/core';
import { EmailModule } from '@coursehub/email';
import { MongoWireServer, SmtpSink } from '@coursehub/embedded';
import { connectMessaging, createRootModule } from '@coursehub/messaging';
import { MessagingTestBed } from '@coursehub/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Consumer, Kafka, logLevel, Producer } from 'kafkajs';
import mongoose from 'mongoose';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { OutboxBenchApp, tickRecorded } from './outbox-relay.bench';
import {
  Benchmark,
  Figure,
  latencyFigures,
  percentile,
  ascending,
  skipped,
  waitFor,
} from './support/figures';
import { kafkaMockUnavailable, startTestBed, withEnv } from './support/infrastructure';

/*
 * Events over the Kafka mock (issue 14), side by side with raw kafkajs on the same mock:
 *
 * - throughput: EVENTS events committed to the outbox (in one transaction) until a consumer has
 *   applied the last one (its effect and processed_events row in one transaction, `runOnce`), through
 *   the real relay (batch publish, LISTEN/NOTIFY wake-up), transport and consumer interceptor; the
 *   baseline is kafkajs alone: `sendBatch` of the same envelopes, a consumer with the same
 *   partition concurrency doing the same idempotent effect with `pg` (no outbox, no Nest);
 * - the hop `order.confirmed` → e-mail recorded: an event committed to an outbox every ~50 ms, the
 *   e-mail service (EmailModule over Kafka, embedded MongoDB wire server) records the e-mail; the
 *   latency is the record's `createdAt` minus the commit time. The baseline is one kafkajs `send`
 *   to a consumer's `eachMessage` at the same fetch settings: the floor the mock's idle fetches set
 *   (it answers an idle fetch only at maxWaitTimeInMs).
 *
 * Consumer settings are the defaults of messaging.env.ts (KAFKA_MAX_WAIT_MS, partitions consumed
 * concurrently) unless EVENTS_BENCH_MAX_WAIT_MS says otherwise; the relay's are OUTBOX_* defaults.
 */

const EVENTS = Number(process.env.EVENTS_BENCH_EVENTS ?? 5_000);
const WRITE_BATCH = 100;
const ROUNDS = 2;
const HOP_EVENTS = Number(process.env.EVENTS_BENCH_HOPS ?? 200);
const HOP_GAP_MS = 50;
const MAX_WAIT_MS = process.env.EVENTS_BENCH_MAX_WAIT_MS ?? '100';
const CONCURRENCY = 4;
const BASELINE_TOPIC = 'bench.baseline.ticks';

interface Throughput {
  seconds: number;
  /** Seconds until the last event was handed to Kafka (outbox marked sent / sendBatch acknowledged). */
  publishedSeconds: number;
}

async function measureCourseHub(bench: OutboxBenchApp): Promise<Throughput> {
  const target = bench.writtenSoFar + EVENTS;
  // Committed at once, as the existing outbox-relay figure does: the clock runs from the commit.
  await bench.write(EVENTS);
  const started = performance.now();
  let publishedSeconds = Number.NaN;
  await waitFor(
    `${target} applied events`,
    async () => {
      if (Number.isNaN(publishedSeconds) && (await bench.sent()) >= target) {
        publishedSeconds = (performance.now() - started) / 1000;
      }
      return bench.applied();
    },
    (n) => n >= target,
    { timeoutMs: 180_000, intervalMs: 20 },
  );
  return { seconds: (performance.now() - started) / 1000, publishedSeconds };
}

/** kafkajs alone: producer → consumer on the same mock, the same envelopes and the same effect. */
class KafkajsBaseline {
  private appliedCount = 0;

  private constructor(
    private readonly producer: Producer,
    private readonly consumer: Consumer,
    private readonly pool: Pool,
  ) {}

  static async start(brokers: string[], databaseUrl: string): Promise<KafkajsBaseline> {
    const kafka = new Kafka({ clientId: 'bench-baseline', brokers, logLevel: logLevel.NOTHING });
    const pool = new Pool({ connectionString: databaseUrl, max: 10 });
    await pool.query(
      'CREATE TABLE IF NOT EXISTS baseline_ticks ("eventId" uuid PRIMARY KEY, n int NOT NULL)',
    );
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    const consumer = kafka.consumer({
      groupId: `bench-baseline-${Date.now()}`,
      maxWaitTimeInMs: Number(MAX_WAIT_MS),
      sessionTimeout: 6_000,
      heartbeatInterval: 600,
      rebalanceTimeout: 6_000,
      allowAutoTopicCreation: true,
    });
    const baseline = new KafkajsBaseline(producer, consumer, pool);
    // Creates the topic (4 partitions on the mock) before the consumer subscribes.
    await producer.send({ topic: BASELINE_TOPIC, messages: [{ value: 'null' }] });
    await consumer.connect();
    await consumer.subscribe({ topic: BASELINE_TOPIC, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: CONCURRENCY,
      eachMessage: async ({ message }) => baseline.apply(message.value?.toString() ?? 'null'),
    });
    return baseline;
  }

  /** The effect and its processed_events row in one transaction; a redelivery changes nothing. */
  private async apply(value: string): Promise<void> {
    const envelope = JSON.parse(value) as { id: string; data: { n: number } } | null;
    if (!envelope) return;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const fresh = await client.query(
        `INSERT INTO processed_events (consumer, event_id) VALUES ('baseline', $1) ON CONFLICT DO NOTHING`,
        [envelope.id],
      );
      if (fresh.rowCount === 1) {
        await client.query('INSERT INTO baseline_ticks ("eventId", n) VALUES ($1, $2)', [
          envelope.id,
          envelope.data.n,
        ]);
      }
      await client.query('COMMIT');
      if (fresh.rowCount === 1) this.appliedCount++;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async measure(): Promise<Throughput> {
    const target = this.appliedCount + EVENTS;
    const started = performance.now();
    for (let sent = 0; sent < EVENTS; sent += WRITE_BATCH) {
      const messages = Array.from({ length: Math.min(WRITE_BATCH, EVENTS - sent) }, (_, i) => {
        const tickId = randomUUID();
        const envelope = createEnvelope(tickRecorded, { tickId, n: sent + i }, { producer: 'baseline' });
        return { key: tickId, value: JSON.stringify(envelope) };
      });
      await this.producer.send({ topic: BASELINE_TOPIC, acks: -1, messages });
    }
    const publishedSeconds = (performance.now() - started) / 1000;
    await waitFor(
      `${target} applied baseline events`,
      () => Promise.resolve(this.appliedCount),
      (n) => n >= target,
      { timeoutMs: 180_000, intervalMs: 5 },
    );
    return { seconds: (performance.now() - started) / 1000, publishedSeconds };
  }

  /** One message at a time, `count` of them ~HOP_GAP_MS apart: send → eachMessage latencies (ms). */
  async hops(brokers: string[], count: number): Promise<number[]> {
    const kafka = new Kafka({ clientId: 'bench-baseline-hop', brokers, logLevel: logLevel.NOTHING });
    const topic = 'bench.baseline.hop';
    await this.producer.send({ topic, messages: [{ value: '0' }] });
    const consumer = kafka.consumer({
      groupId: `bench-baseline-hop-${Date.now()}`,
      maxWaitTimeInMs: Number(MAX_WAIT_MS),
      sessionTimeout: 6_000,
      heartbeatInterval: 600,
      rebalanceTimeout: 6_000,
    });
    const received = new Map<string, number>();
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: false });
      await consumer.run({
        partitionsConsumedConcurrently: CONCURRENCY,
        eachMessage: ({ message }) => {
          received.set(message.value?.toString() ?? '', performance.now());
          return Promise.resolve();
        },
      });
      // Joined once a probe gets through.
      await waitFor(
        'baseline hop consumer',
        async () => {
          const probe = `probe-${randomUUID()}`;
          await this.producer.send({ topic, messages: [{ key: probe, value: probe }] });
          await new Promise((resolve) => setTimeout(resolve, 300));
          return received.has(probe);
        },
        Boolean,
        { timeoutMs: 60_000, intervalMs: 0 },
      );
      const sentAt = new Map<string, number>();
      for (let i = 0; i < count; i++) {
        const id = randomUUID();
        sentAt.set(id, performance.now());
        await this.producer.send({ topic, acks: -1, messages: [{ key: id, value: id }] });
        await new Promise((resolve) => setTimeout(resolve, HOP_GAP_MS * (0.5 + Math.random())));
      }
      await waitFor(
        'baseline hops',
        () => Promise.resolve([...sentAt.keys()].every((id) => received.has(id))),
        Boolean,
        { timeoutMs: 30_000 },
      );
      return [...sentAt].map(([id, at]) => received.get(id)! - at);
    } finally {
      await consumer.disconnect();
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
    await this.pool.end();
  }
}

/** The e-mail service over Kafka, as deployed alone (EmailModule, embedded MongoDB and SMTP sink). */
async function startEmailService(mongoUrl: string, smtpUrl: string): Promise<NestFastifyApplication> {
  const root = createRootModule({
    service: 'email',
    transport: 'kafka',
    features: [EmailModule.register({ mongoUrl, smtpUrl })],
  });
  const app = await createHttpApp(root, { title: 'e-mail (events benchmark)' });
  try {
    connectMessaging(app);
    await app.startAllMicroservices();
    await app.init();
    return app;
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** `order.confirmed` committed to an outbox every ~HOP_GAP_MS → the e-mail's `createdAt` in MongoDB. */
async function measureHops(bench: OutboxBenchApp, mongoUrl: string, log: (line: string) => void) {
  const emails = await mongoose.createConnection(mongoUrl).asPromise();
  try {
    const collection = emails.collection<{ eventId: string; createdAt: Date }>('emails');
    const send = async () => {
      const id = await bench.add(
        orderConfirmed,
        {
          orderId: randomUUID(),
          userId: randomUUID(),
          courseId: randomUUID(),
          courseTitle: 'Kafka Streams in practice',
          price: 4900,
          currency: 'EUR',
        },
        randomUUID(),
      );
      return { id, committedAt: performance.timeOrigin + performance.now() };
    };
    // The e-mail service's consumer group has joined once the first e-mail is recorded.
    const first = await send();
    await waitFor(
      'the first order e-mail',
      () => collection.countDocuments({ eventId: first.id }),
      (n) => n > 0,
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    const commits: { id: string; committedAt: number }[] = [];
    for (let i = 0; i < HOP_EVENTS; i++) {
      commits.push(await send());
      await new Promise((resolve) => setTimeout(resolve, HOP_GAP_MS * (0.5 + Math.random())));
    }
    const ids = commits.map((commit) => commit.id);
    await waitFor(
      `${HOP_EVENTS} order e-mails`,
      () => collection.countDocuments({ eventId: { $in: ids } }),
      (n) => n >= HOP_EVENTS,
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    const recorded = new Map<string, number>();
    for (const record of await collection.find({ eventId: { $in: ids } }).toArray()) {
      recorded.set(record.eventId, new Date(record.createdAt).getTime());
    }
    const latencies = commits.map((commit) => recorded.get(commit.id)! - commit.committedAt);
    log(
      `  hop p50 ${percentile(ascending(latencies), 50).toFixed(0)} ms, p99 ${percentile(ascending(latencies), 99).toFixed(0)} ms`,
    );
    return latencies;
  } finally {
    await emails.close();
  }
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

export const eventsBenchmark: Benchmark = async (log) => {
  const unavailable = kafkaMockUnavailable();
  if (unavailable) {
    log(`  skipped: ${unavailable}`);
    return [
      skipped('outbox → effect, Kafka mock', 'events/s', unavailable),
      skipped('order.confirmed → e-mail recorded p99', 'ms', unavailable),
    ];
  }
  let bed: MessagingTestBed | undefined;
  let bench: OutboxBenchApp | undefined;
  let baseline: KafkajsBaseline | undefined;
  let mongo: MongoWireServer | undefined;
  let smtp: SmtpSink | undefined;
  let email: NestFastifyApplication | undefined;
  let restoreEnv: (() => void) | undefined;
  try {
    bed = await startTestBed('bench_events', true);
    const brokers = bed.cluster.bootstrapServers;
    restoreEnv = withEnv({
      ...bed.env,
      KAFKA_MAX_WAIT_MS: MAX_WAIT_MS,
      KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: String(CONCURRENCY),
      OUTBOX_POLL_MS: undefined,
      OUTBOX_BATCH_SIZE: undefined,
      OUTBOX_LISTEN: undefined,
    });
    bench = await OutboxBenchApp.start('kafka');
    await bench.write(20);
    await bench.drain(60_000);
    baseline = await KafkajsBaseline.start(brokers, bed.database.url);

    const courseHub: Throughput[] = [];
    const bare: Throughput[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const theirs = await baseline.measure();
      bare.push(theirs);
      const ours = await measureCourseHub(bench);
      courseHub.push(ours);
      log(
        `  round ${round + 1}: kafkajs ${(EVENTS / theirs.seconds).toFixed(0)} events/s, ` +
          `CourseHub ${(EVENTS / ours.seconds).toFixed(0)} events/s (published after ${ours.publishedSeconds.toFixed(2)} s)`,
      );
    }
    const oursRate = mean(courseHub.map((run) => EVENTS / run.seconds));
    const theirRate = mean(bare.map((run) => EVENTS / run.seconds));
    const figures: Figure[] = [
      {
        name: 'outbox → effect, Kafka mock, CourseHub',
        value: oursRate,
        unit: 'events/s',
        notes:
          `${EVENTS} rows committed at once → all applied, mean of ${ROUNDS} rounds; ` +
          `relay alone ${mean(courseHub.map((run) => EVENTS / run.publishedSeconds)).toFixed(0)} events/s; target ≥ 1,500`,
      },
      {
        name: 'produce → effect, Kafka mock, kafkajs alone',
        value: theirRate,
        unit: 'events/s',
        notes: `sendBatch of ${WRITE_BATCH}; the same effect with pg; ${CONCURRENCY} partitions at once`,
      },
      { name: 'ratio CourseHub / kafkajs alone', value: oursRate / theirRate, unit: '×' },
    ];

    mongo = await MongoWireServer.start();
    smtp = await SmtpSink.start();
    // The e-mail service's own consumer group (coursehub-email), not the tick app's.
    const restoreGroup = withEnv({ KAFKA_GROUP_ID: undefined });
    const mongoUrl = `${mongo.url}coursehub_email`;
    email = await startEmailService(mongoUrl, smtp.url);
    restoreGroup();
    const hops = await measureHops(bench, mongoUrl, log);
    const baselineHops = await baseline.hops(brokers, HOP_EVENTS);
    const oursP99 = percentile(ascending(hops), 99);
    const theirP99 = percentile(ascending(baselineHops), 99);
    figures.push(
      ...latencyFigures(
        'order.confirmed → e-mail recorded',
        hops,
        `${HOP_EVENTS} events ~${HOP_GAP_MS} ms apart, outbox commit → e-mail record; KAFKA_MAX_WAIT_MS=${MAX_WAIT_MS}; target p99 ≤ 250`,
        [50, 99],
      ),
      ...latencyFigures(
        'kafkajs send → eachMessage',
        baselineHops,
        'the floor: the mock answers an idle fetch only at maxWaitTimeInMs',
        [50, 99],
      ),
      { name: 'ratio p99 CourseHub / kafkajs alone', value: oursP99 / theirP99, unit: '×' },
    );
    return figures;
  } finally {
    await email?.close();
    await bench?.app.close();
    await baseline?.stop();
    restoreEnv?.();
    await smtp?.stop();
    await mongo?.stop();
    await bed?.stop();
  }
};

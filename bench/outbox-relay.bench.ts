import { defineEvent, EventContract, EventData, EventEnvelope } from '@coursehub/contracts';
import { createHttpApp, FeatureTransactions, InjectFeatureTransactions, sqlMigration } from '@coursehub/core';
import { MessagingTestBed } from '@coursehub/testing';
import {
  connectMessaging,
  ConsumeEvent,
  createRootModule,
  defineFeature,
  FeatureModule,
  Outbox,
  ProcessedEvents,
  TransportKind,
} from '@coursehub/messaging';
import { getTransactionHostToken } from '@nestjs-cls/transactional';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { z } from 'zod';
import { Benchmark, Figure, skipped, waitFor } from './support/figures';
import { kafkaMockUnavailable, startTestBed, withEnv } from './support/infrastructure';

/*
 * Events from committed outbox rows to a consumer's idempotent effect, through the real relay,
 * transport and consumer interceptor, as libs/messaging/test/ledger-test-app.ts stands them up: a
 * producer commits a batch of events in one transaction, and the clock runs until the consumer
 * has applied the last one (its effect and processed_events row committed together via runOnce).
 * Producer and consumer share one app and one database, so both sides' costs are in the figure.
 */

const EVENTS = 2_000;
const BACKLOG_EVENTS = 1_000;
const OUTAGE_MS = 3_000;
const WARM_UP_EVENTS = 20;
const DATA_SOURCE = 'outbox_bench';
const OUTBOX_POLL_MS = '50';

export const tickRecorded = defineEvent('bench.tick.recorded', 1, z.object({ tickId: z.uuid(), n: z.int() }));
type TickData = z.infer<typeof tickRecorded.schema>;

@Entity({ name: 'applied_ticks' })
class AppliedTick {
  @PrimaryColumn('uuid') eventId!: string;
  @Column('int') n!: number;
}

const CreateAppliedTicks1764900000000 = sqlMigration('CreateAppliedTicks1764900000000', {
  up: ['CREATE TABLE applied_ticks ("eventId" uuid PRIMARY KEY, n int NOT NULL)'],
  down: ['DROP TABLE applied_ticks'],
});

@Controller()
class TickConsumer {
  constructor(
    @InjectFeatureTransactions(DATA_SOURCE) private readonly transactions: FeatureTransactions,
    private readonly processedEvents: ProcessedEvents,
  ) {}

  @ConsumeEvent(tickRecorded)
  async apply(@Payload() envelope: EventEnvelope<TickData>): Promise<void> {
    await this.processedEvents.runOnce('outbox-bench', envelope, async () => {
      await this.transactions.tx.insert(AppliedTick, { eventId: envelope.id, n: envelope.data.n });
    });
  }
}

class OutboxBenchModule {
  static register(): FeatureModule {
    return defineFeature(OutboxBenchModule, {
      name: DATA_SOURCE,
      database: { entities: [AppliedTick], migrations: [CreateAppliedTicks1764900000000] },
      consumesMessages: true,
      controllers: [TickConsumer],
    });
  }
}

function benchModule(transport: TransportKind) {
  return createRootModule({ service: 'outbox-bench', transport, features: [OutboxBenchModule.register()] });
}

/** Producer and consumer of `bench.tick.recorded` in one app, on a database of its own (also used by events.bench.ts). */
export class OutboxBenchApp {
  private written = 0;

  private constructor(
    readonly app: NestFastifyApplication,
    private readonly dataSource: DataSource,
    private readonly transactions: FeatureTransactions,
    private readonly outbox: Outbox,
  ) {}

  static async start(transport: TransportKind): Promise<OutboxBenchApp> {
    const app = await createHttpApp(benchModule(transport), { title: 'outbox benchmark' });
    try {
      connectMessaging(app);
      await app.startAllMicroservices();
      await app.init();
      return new OutboxBenchApp(
        app,
        app.get(getDataSourceToken(DATA_SOURCE)),
        app.get(getTransactionHostToken(DATA_SOURCE)),
        app.get(Outbox),
      );
    } catch (error) {
      await app.close();
      throw error;
    }
  }

  /** Commits `count` events in one transaction, as a busy producer's requests would over time. */
  async write(count: number): Promise<number> {
    await this.transactions.withTransaction(async () => {
      for (let i = 0; i < count; i++) {
        const tickId = randomUUID();
        await this.outbox.add(tickRecorded, { tickId, n: this.written + i }, { key: tickId });
      }
    });
    this.written += count;
    return this.written;
  }

  /** Commits one event of any contract in a transaction of its own (an `order.confirmed`, say). */
  async add<Contract extends EventContract>(
    contract: Contract,
    data: EventData<Contract>,
    key: string,
  ): Promise<string> {
    return this.transactions.withTransaction(async () => (await this.outbox.add(contract, data, { key })).id);
  }

  /** Events written and published (marked sent) so far. */
  async sent(): Promise<number> {
    const [{ n }] = await this.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM outbox_messages WHERE sent_at IS NOT NULL',
    );
    return n;
  }

  get writtenSoFar(): number {
    return this.written;
  }

  get database(): DataSource {
    return this.dataSource;
  }

  async applied(): Promise<number> {
    const [{ n }] = await this.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM applied_ticks',
    );
    return n;
  }

  /** Seconds until every event written so far has been applied. */
  async drain(timeoutMs: number): Promise<number> {
    const started = performance.now();
    await waitFor(
      `${this.written} applied events`,
      () => this.applied(),
      (n) => n >= this.written,
      {
        timeoutMs,
      },
    );
    return (performance.now() - started) / 1000;
  }
}

async function measure(transport: TransportKind, log: (line: string) => void): Promise<Figure[]> {
  const label = transport === 'kafka' ? 'Kafka mock' : 'in-process';
  let bed: MessagingTestBed | undefined;
  let bench: OutboxBenchApp | undefined;
  let restoreEnv: (() => void) | undefined;
  try {
    bed = await startTestBed('bench_outbox', transport === 'kafka');
    restoreEnv = withEnv({ ...bed.env, OUTBOX_POLL_MS });
    bench = await OutboxBenchApp.start(transport);

    // The first events create the topic and wait for the consumer group to form (Kafka: ~3 s).
    await bench.write(WARM_UP_EVENTS);
    await bench.drain(60_000);

    await bench.write(EVENTS);
    const seconds = await bench.drain(120_000);
    log(`  ${label}: ${EVENTS} events in ${seconds.toFixed(2)} s`);
    const figures: Figure[] = [
      {
        name: `outbox → effect, ${label}`,
        value: EVENTS / seconds,
        unit: 'events/s',
        notes: `${EVENTS} events committed at once; OUTBOX_POLL_MS=${OUTBOX_POLL_MS}, relay batch 100`,
      },
    ];

    if (transport === 'kafka') {
      const cluster = bed.cluster;
      await cluster.allBrokersDown();
      await bench.write(BACKLOG_EVENTS);
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      await cluster.allBrokersUp();
      const drain = await bench.drain(180_000);
      log(
        `  ${label}: backlog of ${BACKLOG_EVENTS} drained in ${drain.toFixed(2)} s after the brokers came back`,
      );
      figures.push({
        name: `backlog drain after outage, ${label}`,
        value: drain,
        unit: 's',
        notes: `${BACKLOG_EVENTS} events written during a ${OUTAGE_MS / 1000} s outage; brokers up → all applied`,
      });
    }
    return figures;
  } finally {
    await bench?.app.close();
    restoreEnv?.();
    await bed?.stop();
  }
}

export const outboxRelayBenchmark: Benchmark = async (log) => {
  const figures = await measure('in-process', log);
  const unavailable = kafkaMockUnavailable();
  if (unavailable) {
    log(`  Kafka mock skipped: ${unavailable}`);
    return [
      ...figures,
      skipped('outbox → effect, Kafka mock', 'events/s', unavailable),
      skipped('backlog drain after outage, Kafka mock', 's', unavailable),
    ];
  }
  return [...figures, ...(await measure('kafka', log))];
};

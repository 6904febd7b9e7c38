import { createEnvelope, defineEvent, EventEnvelope } from '@coursehub/contracts';
import { createHttpApp, FeatureTransactions, InjectFeatureTransactions, sqlMigration } from '@coursehub/core';
import { MessagingTestBed } from '@coursehub/testing';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, KafkaContext, Payload } from '@nestjs/microservices';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Consumer, Kafka, logLevel, Producer } from 'kafkajs';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import {
  connectMessaging,
  ConsumeEvent,
  createRootModule,
  defineFeature,
  FeatureModule,
  ProcessedEvents,
} from '../src';
import { eventually } from './ledger-test-app';

/*
 * Two replicas of one service (same consumer group) share a topic with several partitions.
 * Each event's effect is recorded with runOnce; the effects table itself has no unique index on
 * the event id, so only the idempotent consumer stands between a redelivery and a second row.
 */

const PARTITIONS = 6;
const workItemDone = defineEvent('test.work-item.done', 1, z.object({ item: z.number().int() }));

const CreateWorkEffects1763700000002 = sqlMigration('CreateWorkEffects1763700000002', {
  up: [
    'CREATE TABLE work_effects (id bigserial PRIMARY KEY, event_id uuid NOT NULL, replica text NOT NULL, partition int NOT NULL)',
  ],
  down: ['DROP TABLE work_effects'],
});

const REPLICA_NAME = Symbol('REPLICA_NAME');

@Controller()
class WorkHandlers {
  constructor(
    @InjectFeatureTransactions('work') private readonly transactions: FeatureTransactions,
    private readonly processedEvents: ProcessedEvents,
    @Inject(REPLICA_NAME) private readonly replica: string,
  ) {}

  @ConsumeEvent(workItemDone)
  async apply(
    @Payload() envelope: EventEnvelope<z.infer<typeof workItemDone.schema>>,
    @Ctx() context: KafkaContext,
  ): Promise<void> {
    await this.processedEvents.runOnce('work', envelope, async () => {
      await this.transactions.tx.query(
        'INSERT INTO work_effects (event_id, replica, partition) VALUES ($1, $2, $3)',
        [envelope.id, this.replica, context.getPartition()],
      );
    });
  }
}

class WorkModule {
  static register(replica: string): FeatureModule {
    return defineFeature(WorkModule, {
      name: 'work',
      database: { entities: [], migrations: [CreateWorkEffects1763700000002] },
      consumesMessages: true,
      controllers: [WorkHandlers],
      providers: [{ provide: REPLICA_NAME, useValue: replica }],
    });
  }
}

function workerModule(replica: string) {
  return createRootModule({
    service: 'worker',
    transport: 'kafka',
    features: [WorkModule.register(replica)],
  });
}

interface Replica {
  name: string;
  app: NestFastifyApplication;
  /** Partitions of the work topic from the replica's latest rejoin after it started. */
  assignment?: number[];
}

/** Builds a replica (its migrations run here) without joining the group yet. */
async function createReplica(name: string): Promise<Replica> {
  const app = await createHttpApp(workerModule(name), { title: `worker ${name}` });
  connectMessaging(app);
  return { name, app };
}

/** Resolves once the replica's consumer has joined the group (kafkajs `run` waits for the join). */
async function startReplica(replica: Replica): Promise<void> {
  await replica.app.init();
  await replica.app.startAllMicroservices();
  const [, consumer] = replica.app.getMicroservices()[0].unwrap<[Kafka, Consumer, Producer]>();
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    replica.assignment = [...(payload.memberAssignment[workItemDone.topic] ?? [])].sort((a, b) => a - b);
  });
}

interface Effect {
  event_id: string;
  replica: string;
  partition: number;
}

const partitionsOf = (rows: Effect[]) => [...new Set(rows.map((row) => row.partition))].sort((a, b) => a - b);

describe('two replicas in one Kafka consumer group', () => {
  let bed: MessagingTestBed;
  let dataSource: DataSource;
  let producer: Producer;
  let first: Replica;
  let second: Replica;
  const logFile = join(tmpdir(), `coursehub-consumer-group-${process.pid}.log`);
  const allPartitions = Array.from({ length: PARTITIONS }, (_, partition) => partition);

  const effects = () =>
    dataSource.query<Effect[]>('SELECT event_id, replica, partition FROM work_effects ORDER BY id');

  const newEvents = (count: number) =>
    Array.from({ length: count }, (_, item) => createEnvelope(workItemDone, { item }, { producer: 'test' }));
  const idsOf = (events: EventEnvelope[]) => events.map((event) => event.id);

  /** Publishes the events, each keyed by its own id (so they spread over the partitions), and waits for the acks. */
  async function publish(events: EventEnvelope[]): Promise<void> {
    await producer.send({
      topic: workItemDone.topic,
      messages: events.map((event) => ({ key: event.id, value: JSON.stringify(event) })),
      acks: -1,
    });
  }

  beforeAll(async () => {
    // The mock completes a rebalance only when the session timeout runs out: the test bed keeps it short.
    bed = await MessagingTestBed.start({ name: 'consumer_group_test', kafka: true });
    // Before anyone subscribes: auto-creation would give the mock's default partition count.
    await bed.cluster.createTopic(workItemDone.topic, PARTITIONS);
    Object.assign(process.env, bed.env, {
      LOG_LEVEL: 'warn',
      LOG_FILE: logFile,
      MESSAGING_RETRY_BASE_MS: '20',
    });

    first = await createReplica('first');
    second = await createReplica('second');
    // The second replica outlives the first: read the effects through it.
    dataSource = second.app.get(getDataSourceToken('work'));
    // Both join within the mock's initial rebalance delay (~3 s), so they share the first generation.
    await Promise.all([startReplica(first), startReplica(second)]);

    producer = new Kafka({
      clientId: 'consumer-group-test-publisher',
      brokers: bed.cluster.bootstrapServers,
      logLevel: logLevel.ERROR,
    }).producer({ allowAutoTopicCreation: false, idempotent: false });
    await producer.connect();
  }, 60_000);

  afterAll(async () => {
    await producer?.disconnect();
    // Together: a replica closed alone would leave the other blocked in a rejoin until the mock elects.
    await Promise.all([first?.app.close(), second?.app.close()]);
    await bed?.stop();
    rmSync(logFile, { force: true });
  });

  it('shares the partitions and applies each event exactly once, also when one replica stops mid-stream', async () => {
    // Batch 1: both replicas running.
    const firstBatch = newEvents(300);
    await publish(firstBatch);
    let applied = await eventually(effects, (rows) => rows.length >= firstBatch.length, 60_000);
    expect(applied).toHaveLength(firstBatch.length);
    expect(new Set(applied.map((row) => row.event_id))).toEqual(new Set(idsOf(firstBatch)));
    const byFirst = applied.filter((row) => row.replica === 'first');
    const bySecond = applied.filter((row) => row.replica === 'second');
    expect(byFirst.length).toBeGreaterThan(0);
    expect(bySecond.length).toBeGreaterThan(0);
    // One group: every partition belongs to exactly one of them.
    expect([...partitionsOf(byFirst), ...partitionsOf(bySecond)].sort((a, b) => a - b)).toEqual(
      allPartitions,
    );

    // Batch 2: a paced stream; the first replica stops while it is working on it.
    const secondBatch = newEvents(300);
    const secondBatchIds = new Set(idsOf(secondBatch));
    const streamed = secondBatch.slice(0, 200);
    const afterStop = secondBatch.slice(200);
    const streaming = (async () => {
      for (let start = 0; start < streamed.length; start += 10) {
        await publish(streamed.slice(start, start + 10));
        await new Promise((resolve) => setTimeout(resolve, 20)); // pacing, not an assertion
      }
    })();
    await eventually(
      effects,
      (rows) => rows.some((row) => row.replica === 'first' && secondBatchIds.has(row.event_id)),
      30_000,
    );
    // A clean close stops the consumer after its in-flight message and leaves the group
    // (LeaveGroup): the coordinator starts a rebalance at once, not after the session timeout.
    await first.app.close();
    await streaming;
    await publish(afterStop);

    // The mock completes that rebalance only when its timer fires (session timeout - 1 s: 29 s with
    // kafkaTransportOptions), even though the survivor rejoins at once; a real broker does not wait.
    // Events the first replica handled but had not yet committed may be redelivered to the second.
    applied = await eventually(
      effects,
      (rows) => rows.length >= firstBatch.length + secondBatch.length,
      120_000,
    );
    expect(applied).toHaveLength(firstBatch.length + secondBatch.length);
    expect(new Set(applied.map((row) => row.event_id))).toEqual(
      new Set(idsOf([...firstBatch, ...secondBatch])),
    );
    const firstBeforeStop = applied.filter(
      (row) => row.replica === 'first' && secondBatchIds.has(row.event_id),
    );
    expect(firstBeforeStop.length).toBeGreaterThan(0);
    expect(firstBeforeStop.length).toBeLessThan(secondBatch.length);
    // The survivor now owns every partition, and everything published after the stop is its work,
    // on the stopped replica's partitions too.
    expect(second.assignment).toEqual(allPartitions);
    const afterStopIds = new Set(idsOf(afterStop));
    const takenOver = applied.filter((row) => afterStopIds.has(row.event_id));
    expect(takenOver.every((row) => row.replica === 'second')).toBe(true);
    expect(partitionsOf(takenOver)).toEqual(expect.arrayContaining(partitionsOf(byFirst)));
  }, 180_000);
});

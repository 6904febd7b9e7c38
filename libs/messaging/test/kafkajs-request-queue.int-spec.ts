/*
 * kafkajs's request queue as patched by src/transport/kafkajs-request-queue.ts, over the Kafka
 * protocol (librdkafka's mock cluster): a connection that has sent its requests sits idle without
 * a timer loop and without Node's TimeoutNegativeWarning, and requests still flow (a send after the
 * idle spell, a consumer receiving it).
 */
import { KafkaMockCluster } from '@coursehub/testing';
import type { Kafka } from 'kafkajs';
import { kafkaSideClient } from '../src/transport/kafka-options';

let cluster: KafkaMockCluster;
let kafka: Kafka;
/** One key for both messages: one partition of the auto-created topic (it has four), hence one order. */
const ORDERED = 'request-queue-test';

beforeAll(async () => {
  cluster = await KafkaMockCluster.start();
  kafka = kafkaSideClient(
    { clientId: 'request-queue-test', brokers: cluster.bootstrapServers, ssl: false },
    'test',
    { connectionTimeout: 3_000, requestTimeout: 10_000 },
  );
}, 30_000);
afterAll(async () => cluster?.stop());

/** setTimeout calls of at most 1 ms made while `during` runs: the shape of the library's loop. */
async function shortTimersDuring(during: () => Promise<void>): Promise<number> {
  const original = global.setTimeout;
  let short = 0;
  const counting = (...args: Parameters<typeof setTimeout>) => {
    if (typeof args[1] !== 'number' || args[1] <= 1) short++;
    return original(...args);
  };
  global.setTimeout = Object.assign(counting, original);
  try {
    await during();
  } finally {
    global.setTimeout = original;
  }
  return short;
}

it('leaves an idle connection without a timer loop or a TimeoutNegativeWarning, and keeps requests flowing', async () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on('warning', onWarning);
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  const consumer = kafka.consumer({ groupId: 'request-queue-test', maxWaitTimeInMs: 100 });
  try {
    await producer.connect();
    await producer.send({ topic: 'request-queue-test', messages: [{ key: ORDERED, value: 'before' }] });
    // Unpatched: ~1,600 timers of 1 ms in this second, from the one connection that sent.
    const idleTimers = await shortTimersDuring(() => new Promise((resolve) => setTimeout(resolve, 1_000)));
    expect(idleTimers).toBeLessThan(20);

    const received: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'request-queue-test', fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => Promise.resolve(void received.push(String(message.value))),
    });
    await producer.send({ topic: 'request-queue-test', messages: [{ key: ORDERED, value: 'after' }] });
    const deadline = Date.now() + 20_000;
    while (received.length < 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual(['before', 'after']);
    expect(warnings.filter((warning) => warning.name === 'TimeoutNegativeWarning')).toEqual([]);
  } finally {
    process.off('warning', onWarning);
    await consumer.disconnect();
    await producer.disconnect();
  }
}, 60_000);

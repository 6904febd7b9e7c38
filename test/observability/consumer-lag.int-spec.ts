import { metricsRegistry } from '@coursehub/core';
import { ConsumerLagMonitor, KafkaConnection, MessagingOptions } from '@coursehub/messaging';
import { eventually, KafkaMockCluster } from '@coursehub/testing';
import { Admin, Consumer, Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';

/*
 * coursehub_kafka_consumer_lag against the Kafka protocol (librdkafka's mock cluster): the high
 * watermark of each partition minus what the group committed, as the monitor reads them through
 * the admin API.
 */
describe('consumer lag (coursehub_kafka_consumer_lag)', () => {
  const topic = `coursehub.test.lagging.${randomUUID().slice(0, 8)}.v1`;
  const groupId = `coursehub-lag-${randomUUID().slice(0, 8)}`;
  let cluster: KafkaMockCluster;
  let admin: Admin;
  let monitor: ConsumerLagMonitor;
  let consumer: Consumer;
  const received: string[] = [];

  beforeAll(async () => {
    cluster = await KafkaMockCluster.start({ brokers: 1 });
    await cluster.createTopic(topic, 2);
    const kafka = new Kafka({ brokers: cluster.bootstrapServers, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        ...Array.from({ length: 5 }, (_, index) => ({ partition: 0, value: `p0-${index}` })),
        ...Array.from({ length: 3 }, (_, index) => ({ partition: 1, value: `p1-${index}` })),
      ],
    });
    await producer.disconnect();
    // A member of the group that commits only when the test says so.
    consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ message }) => {
        received.push(String(message.value));
        return Promise.resolve();
      },
    });
    await eventually(
      () => received.length,
      (count) => count === 8,
      30_000,
    );
    const connection: KafkaConnection = {
      brokers: cluster.bootstrapServers,
      clientId: 'coursehub-lag-test',
      groupId,
      ssl: false,
      maxWaitTimeInMs: 100,
      idempotentProducer: false,
      sessionTimeoutMs: 10_000,
      autoCreateTopics: true,
    };
    const options: MessagingOptions = { serviceName: 'lag-test', transport: 'kafka', consumesMessages: true };
    monitor = new ConsumerLagMonitor(connection, options);
  }, 60_000);

  afterAll(async () => {
    await monitor?.onApplicationShutdown();
    await consumer?.disconnect();
    await admin?.disconnect();
    await cluster?.stop();
  });

  const lagOf = async (partition: number) => {
    const metric = await metricsRegistry.getSingleMetric('coursehub_kafka_consumer_lag')?.get();
    return metric?.values.find(
      ({ labels }) =>
        labels.consumer_group === groupId && labels.topic === topic && labels.partition === String(partition),
    )?.value;
  };

  it('reports nothing for partitions the group never committed on', async () => {
    await monitor.refresh([topic]);
    expect([await lagOf(0), await lagOf(1)]).toEqual([undefined, undefined]);
  });

  it('reports high watermark minus committed offset per partition, and follows new commits', async () => {
    await consumer.commitOffsets([
      { topic, partition: 0, offset: '2' },
      { topic, partition: 1, offset: '3' },
    ]);
    await monitor.refresh([topic]);
    expect([await lagOf(0), await lagOf(1)]).toEqual([3, 0]);

    await consumer.commitOffsets([{ topic, partition: 0, offset: '5' }]);
    await monitor.refresh([topic]);
    expect(await lagOf(0)).toBe(0);
    const scrape = await metricsRegistry.metrics();
    expect(scrape).toContain(
      `coursehub_kafka_consumer_lag{consumer_group="${groupId}",topic="${topic}",partition="1"} 0`,
    );
  });
});

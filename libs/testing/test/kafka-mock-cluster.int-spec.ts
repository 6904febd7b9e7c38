import { connect } from 'node:net';
import { Kafka, KafkaConfig, logLevel } from 'kafkajs';
import { KafkaMockCluster } from '@coursehub/testing';

/** Resolves to 'open' or the socket error code (ECONNREFUSED for a broker that is down). */
function tcpProbe(hostPort: string): Promise<string> {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

function kafkaFor(cluster: KafkaMockCluster, overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: 'kafka-mock-int-spec',
    brokers: cluster.bootstrapServers,
    logLevel: logLevel.NOTHING,
    ...overrides,
  });
}

describe('KafkaMockCluster (librdkafka mock cluster over the Kafka wire protocol)', () => {
  describe('one broker', () => {
    let cluster: KafkaMockCluster;

    beforeAll(async () => {
      cluster = await KafkaMockCluster.start({ topics: [{ name: 'preset', partitions: 2 }] });
    });

    afterAll(async () => {
      await cluster.stop();
    });

    it('exposes one bootstrap address and answers ping', async () => {
      expect(cluster.bootstrapServers).toHaveLength(1);
      expect(cluster.bootstrapServers[0]).toMatch(/^127\.0\.0\.1:\d+$/);
      await expect(cluster.command('ping')).resolves.toBe('pong');
    });

    it('carries a message from a kafkajs producer to a kafkajs consumer group', async () => {
      const kafka = kafkaFor(cluster);
      const producer = kafka.producer({ allowAutoTopicCreation: true });
      // The mock answers an empty fetch only after maxWaitTimeInMs: keep it short.
      const consumer = kafka.consumer({ groupId: 'round-trip', maxWaitTimeInMs: 50 });
      await producer.connect();
      await consumer.connect();
      try {
        await consumer.subscribe({ topic: 'round-trip', fromBeginning: true });
        const received = new Promise<{ key: string; value: string; header: string; partition: number }>(
          (resolve) => {
            void consumer.run({
              eachMessage: ({ message, partition }) => {
                resolve({
                  key: String(message.key),
                  value: String(message.value),
                  header: String(message.headers?.['x-request-id']),
                  partition,
                });
                return Promise.resolve();
              },
            });
          },
        );
        await producer.send({
          topic: 'round-trip',
          messages: [{ key: 'k1', value: 'hello', headers: { 'x-request-id': 'req-1' }, partition: 0 }],
        });
        await expect(received).resolves.toEqual({ key: 'k1', value: 'hello', header: 'req-1', partition: 0 });
      } finally {
        await consumer.disconnect();
        await producer.disconnect();
      }
    });

    it('creates topics with the requested partition count (launcher, start option) and 4 when auto-created', async () => {
      await cluster.createTopic('three-partitions', 3);
      const kafka = kafkaFor(cluster);
      const producer = kafka.producer({ allowAutoTopicCreation: true });
      const admin = kafka.admin();
      await producer.connect();
      await admin.connect();
      try {
        await producer.send({ topic: 'auto-created', messages: [{ value: 'x' }] });
        const { topics } = await admin.fetchTopicMetadata({
          topics: ['three-partitions', 'preset', 'auto-created'],
        });
        const partitionCounts = Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]));
        expect(partitionCounts).toEqual({ 'three-partitions': 3, preset: 2, 'auto-created': 4 });
      } finally {
        await admin.disconnect();
        await producer.disconnect();
      }
      await expect(cluster.createTopic('three-partitions', 3)).rejects.toThrow(/TOPIC_ALREADY_EXISTS/);
    });

    it('rejects unknown commands and bad arguments with the launcher message', async () => {
      await expect(cluster.command('frobnicate now')).rejects.toThrow('unknown command frobnicate');
      await expect(cluster.brokerDown(7)).rejects.toThrow('broker id must be 1..1 or all');
      await expect(cluster.pushRequestErrors('Produce', 'NO_SUCH_ERROR')).rejects.toThrow(
        'unknown error code NO_SUCH_ERROR',
      );
      await expect(cluster.command('ping\nping')).rejects.toThrow('single line');
      // The reply stream stays in step after errors.
      await expect(cluster.command('ping')).resolves.toBe('pong');
    });

    it('fails a produce while all brokers are down and succeeds once they are back', async () => {
      const kafka = kafkaFor(cluster, {
        retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 300 },
        connectionTimeout: 500,
      });
      const producer = kafka.producer({ allowAutoTopicCreation: true });
      await producer.connect();
      try {
        await producer.send({ topic: 'outage', messages: [{ value: 'before' }] });

        await cluster.allBrokersDown();
        expect(await tcpProbe(cluster.bootstrapServers[0])).toBe('ECONNREFUSED');
        const startedAt = Date.now();
        await expect(producer.send({ topic: 'outage', messages: [{ value: 'during' }] })).rejects.toThrow(
          /ECONNREFUSED/,
        );
        expect(Date.now() - startedAt).toBeLessThan(5_000);

        await cluster.allBrokersUp();
        await expect(producer.send({ topic: 'outage', messages: [{ value: 'after' }] })).resolves.toEqual([
          expect.objectContaining({ topicName: 'outage', errorCode: 0 }),
        ]);
      } finally {
        await producer.disconnect();
      }
    });

    it('injects request errors and latency', async () => {
      const producer = kafkaFor(cluster).producer({ allowAutoTopicCreation: true });
      await producer.connect();
      try {
        await producer.send({ topic: 'faults', messages: [{ value: 'warm-up' }] });

        await cluster.pushRequestErrors('Produce', 'TOPIC_AUTHORIZATION_FAILED', 1);
        await expect(producer.send({ topic: 'faults', messages: [{ value: 'denied' }] })).rejects.toThrow(
          /Topic authorization failed/,
        );
        await expect(producer.send({ topic: 'faults', messages: [{ value: 'ok' }] })).resolves.toHaveLength(
          1,
        );

        // Pushed then cleared: the next produce is not affected.
        await cluster.pushRequestErrors('Produce', 'TOPIC_AUTHORIZATION_FAILED', 3);
        await cluster.clearRequestErrors('Produce');
        await expect(producer.send({ topic: 'faults', messages: [{ value: 'ok' }] })).resolves.toHaveLength(
          1,
        );

        await cluster.setRtt(1, 300);
        const startedAt = Date.now();
        await producer.send({ topic: 'faults', messages: [{ value: 'slow' }] });
        expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
        await cluster.setRtt('all', 0);
      } finally {
        await producer.disconnect();
      }
    });
  });

  describe('three brokers', () => {
    it('lists brokers in id order and takes a single broker down and up', async () => {
      const cluster = await KafkaMockCluster.start({ brokers: 3 });
      try {
        expect(cluster.bootstrapServers).toHaveLength(3);
        const admin = kafkaFor(cluster).admin();
        await admin.connect();
        const { brokers } = await admin.describeCluster();
        await admin.disconnect();
        expect(brokers.map((b) => `${b.nodeId}=${b.host}:${b.port}`).sort()).toEqual(
          cluster.bootstrapServers.map((address, index) => `${index + 1}=${address}`),
        );

        await cluster.brokerDown(3);
        expect(await tcpProbe(cluster.bootstrapServers[2])).toBe('ECONNREFUSED');
        expect(await tcpProbe(cluster.bootstrapServers[0])).toBe('open');
        await cluster.brokerUp(3);
        expect(await tcpProbe(cluster.bootstrapServers[2])).toBe('open');
      } finally {
        await cluster.stop();
      }
    });
  });

  it('stops the launcher: the port closes and later commands reject', async () => {
    const cluster = await KafkaMockCluster.start();
    const [address] = cluster.bootstrapServers;
    expect(await tcpProbe(address)).toBe('open');
    await cluster.stop();
    expect(await tcpProbe(address)).toBe('ECONNREFUSED');
    await expect(cluster.command('ping')).rejects.toThrow('launcher has exited');
    await expect(cluster.stop()).resolves.toBeUndefined();
  });
});

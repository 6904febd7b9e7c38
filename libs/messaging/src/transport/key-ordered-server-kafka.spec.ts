import type { Consumer, ConsumerRunConfig, EachBatchPayload, EachMessagePayload } from 'kafkajs';
import { KeyOrderedServerKafka } from './key-ordered-server-kafka';

/** The server with its handler replaced by a recorder that takes `delayOf(message)` ms. */
class RecordingServer extends KeyOrderedServerKafka {
  readonly handled: string[] = [];
  running = 0;
  mostInFlight = 0;

  constructor(
    eventsInFlight: number,
    private readonly delayOf: (value: string) => number,
    private readonly failOn?: string,
  ) {
    super({ client: { brokers: ['127.0.0.1:9'] } }, eventsInFlight);
  }

  override async handleMessage(payload: EachMessagePayload): Promise<void> {
    const value = payload.message.value!.toString();
    this.running++;
    this.mostInFlight = Math.max(this.mostInFlight, this.running);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.delayOf(value)));
      if (value === this.failOn) throw new Error(`handler of ${value} failed`);
      this.handled.push(value);
    } finally {
      this.running--;
    }
  }

  /** bindEvents with a consumer that only captures the batch handler. */
  async eachBatch(): Promise<(payload: EachBatchPayload) => Promise<void>> {
    let captured: ConsumerRunConfig['eachBatch'];
    const consumer = {
      subscribe: () => Promise.resolve(),
      run: (config: ConsumerRunConfig) => {
        captured = config.eachBatch;
        return Promise.resolve();
      },
    } as unknown as Consumer;
    await this.bindEvents(consumer);
    return captured!;
  }
}

function batchOf(entries: [key: string | null, value: string][]) {
  const resolved: string[] = [];
  const messages = entries.map(([key, value], index) => ({
    key: key === null ? null : Buffer.from(key),
    value: Buffer.from(value),
    offset: String(index),
    headers: {},
    timestamp: '0',
    attributes: 0,
  }));
  const payload = {
    batch: { topic: 'orders', partition: 0, messages },
    resolveOffset: (offset: string) => resolved.push(offset),
    heartbeat: () => Promise.resolve(),
    pause: () => () => undefined,
    isRunning: () => true,
    isStale: () => false,
  } as unknown as EachBatchPayload;
  return { payload, resolved };
}

describe('KeyOrderedServerKafka', () => {
  it('handles different keys side by side and each key in order, resolving offsets in partition order', async () => {
    // Earlier events of a key are slower than later ones: only the key chain keeps them in order.
    const entries: [string, string][] = [];
    for (let round = 0; round < 5; round++) {
      for (const key of ['a', 'b', 'c', 'd']) entries.push([key, `${key}${round}`]);
    }
    const server = new RecordingServer(3, (value) => 5 * (5 - Number(value.slice(1))));
    const { payload, resolved } = batchOf(entries);
    await (
      await server.eachBatch()
    )(payload);

    for (const key of ['a', 'b', 'c', 'd']) {
      expect(server.handled.filter((value) => value.startsWith(key))).toEqual(
        [0, 1, 2, 3, 4].map((round) => `${key}${round}`),
      );
    }
    expect(server.mostInFlight).toBe(3);
    expect(resolved).toEqual(entries.map((_, index) => String(index)));
  });

  it('runs messages without a key (requests) without ordering them', async () => {
    const server = new RecordingServer(8, (value) => (value === 'slow' ? 30 : 1));
    const { payload, resolved } = batchOf([
      [null, 'slow'],
      [null, 'fast'],
    ]);
    await (
      await server.eachBatch()
    )(payload);
    expect(server.handled).toEqual(['fast', 'slow']);
    expect(resolved).toEqual(['0', '1']);
  });

  it('stops at a failure: nothing resolved from the failed message on, the error reaches kafkajs', async () => {
    const server = new RecordingServer(2, (value) => (value === 'b0' ? 20 : 1), 'b0');
    const { payload, resolved } = batchOf([
      ['a', 'a0'],
      ['b', 'b0'],
      ['b', 'b1'],
      ['c', 'c0'],
    ]);
    await expect((await server.eachBatch())(payload)).rejects.toThrow('handler of b0 failed');
    // b1 waits for b0 and never runs; c0 may have run (it is delivered again: consumers are idempotent).
    expect(server.handled).not.toContain('b1');
    expect(resolved).toEqual(['0']);
  });
});

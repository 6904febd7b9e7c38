import type { EachMessagePayload, Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';

export interface ReadTopicsOptions {
  /** What is read, for the timeout's message ("Reading the dead-letter topics"). */
  what: string;
  /** Prefix of the throwaway consumer group's id (a random suffix follows). */
  groupPrefix: string;
  timeoutMs: number;
}

/**
 * Reads every record of the topics `select` accepts from the beginning, with a throwaway consumer
 * group that commits nothing, and hands each to `onRecord`. Stops once every partition's high
 * watermark (taken at the start) is reached; throws after `timeoutMs`, since a partial read proves
 * nothing. Returns the topics read (those holding at least one record).
 */
export async function readTopicsToEnd(
  kafka: Kafka,
  select: (topic: string) => boolean,
  onRecord: (record: EachMessagePayload) => void,
  options: ReadTopicsOptions,
): Promise<string[]> {
  const remaining = new Map<string, bigint>();
  const topics: string[] = [];
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of (await admin.listTopics()).filter(select)) {
      for (const partition of await admin.fetchTopicOffsets(topic)) {
        const high = BigInt(partition.high);
        if (high > BigInt(partition.low)) remaining.set(`${topic}:${partition.partition}`, high);
      }
      if ([...remaining.keys()].some((key) => key.startsWith(`${topic}:`))) topics.push(topic);
    }
  } finally {
    await admin.disconnect();
  }
  if (topics.length === 0) return topics;

  const consumer = kafka.consumer({
    groupId: `${options.groupPrefix}-${randomUUID()}`,
    maxWaitTimeInMs: 50,
    sessionTimeout: 6_000,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `${options.what} took longer than ${options.timeoutMs} ms (not read to the end: ${[...remaining.keys()].join(', ')})`,
            ),
          ),
        options.timeoutMs,
      );
      consumer
        .run({
          autoCommit: false,
          eachMessage: (record) => {
            onRecord(record);
            const key = `${record.topic}:${record.partition}`;
            const high = remaining.get(key);
            if (high !== undefined && BigInt(record.message.offset) + 1n >= high) remaining.delete(key);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return topics;
}

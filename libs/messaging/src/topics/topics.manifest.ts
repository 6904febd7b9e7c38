import { courseGet, deadLetterTopicOf, eventContracts } from '@coursehub/contracts';

/** One Kafka topic as CourseHub expects it on the brokers. */
export interface DeclaredTopic {
  name: string;
  /** Upper bound of active consumers per group: replicas beyond it sit idle. */
  partitions: number;
  replicationFactor: number;
  /** Topic-level broker configs (`retention.ms`, `cleanup.policy`, `min.insync.replicas`). */
  config: Record<string, string>;
  /** Why the topic exists, shown by `npm run kafka:topics -- --list`. */
  purpose: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Partitions of an event topic: the most replicas of one consumer group that do work at once.
 * 6 covers the HPA's default maxReplicas (5) with room; raising it later reorders keys across
 * partitions (per-key order is only kept within one partition), so it is chosen up front.
 */
export const EVENT_TOPIC_PARTITIONS = 6;
export const DEFAULT_REPLICATION_FACTOR = 3;

const durable = (retentionDays: number): Record<string, string> => ({
  'cleanup.policy': 'delete',
  'retention.ms': String(retentionDays * DAY_MS),
  // With acks=all (the producers' setting) a write survives the loss of one broker.
  'min.insync.replicas': '2',
});

const requestContracts = [courseGet];

/**
 * Every topic CourseHub uses: each event topic of @coursehub/contracts (7 days, longer than any
 * plausible consumer outage), its dead-letter topic (30 days: time to fix a handler and replay
 * with `npm run dlq`), each request topic and its `.reply` topic (1 hour: a reply nobody reads
 * after the request timeout is worthless).
 */
export const declaredTopics: readonly DeclaredTopic[] = [
  ...eventContracts.flatMap((contract) => [
    {
      name: contract.topic,
      partitions: EVENT_TOPIC_PARTITIONS,
      replicationFactor: DEFAULT_REPLICATION_FACTOR,
      config: durable(7),
      purpose: `${contract.type} v${contract.version} events`,
    },
    {
      name: deadLetterTopicOf(contract.topic),
      partitions: 1,
      replicationFactor: DEFAULT_REPLICATION_FACTOR,
      config: durable(30),
      purpose: `dead letters of ${contract.topic} (npm run dlq)`,
    },
  ]),
  ...requestContracts.flatMap((contract) => [
    {
      name: contract.topic,
      partitions: EVENT_TOPIC_PARTITIONS,
      replicationFactor: DEFAULT_REPLICATION_FACTOR,
      config: { ...durable(1), 'retention.ms': String(60 * 60 * 1000) },
      purpose: `${contract.type} v${contract.version} requests`,
    },
    {
      name: `${contract.topic}.reply`,
      partitions: EVENT_TOPIC_PARTITIONS,
      replicationFactor: DEFAULT_REPLICATION_FACTOR,
      config: { ...durable(1), 'retention.ms': String(60 * 60 * 1000) },
      purpose: `replies to ${contract.topic}`,
    },
  ]),
];

/**
 * The manifest for a smaller cluster: a development broker has one node, so replication 3 and
 * min.insync.replicas 2 could not be met there.
 */
export function topicsWithReplication(
  topics: readonly DeclaredTopic[],
  replicationFactor: number,
): DeclaredTopic[] {
  return topics.map((topic) => ({
    ...topic,
    replicationFactor,
    config: {
      ...topic.config,
      'min.insync.replicas': String(
        Math.min(Number(topic.config['min.insync.replicas'] ?? 1), Math.max(1, replicationFactor - 1)),
      ),
    },
  }));
}

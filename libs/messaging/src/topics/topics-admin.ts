import { Admin, ConfigResourceTypes } from 'kafkajs';
import { ObservedTopic } from './topics-plan';
import { DeclaredTopic } from './topics.manifest';

/**
 * What the brokers hold of the declared topics: partitions and replication from the metadata,
 * the declared config names from DescribeConfigs. Brokers that refuse DescribeConfigs (ACLs, or
 * the librdkafka mock cluster of the tests) leave `config` undefined instead of failing the run.
 */
export async function readObservedTopics(
  admin: Admin,
  declared: readonly DeclaredTopic[],
): Promise<{ topics: ObservedTopic[]; configError?: string }> {
  const existing = new Set(await admin.listTopics());
  const names = declared.map((topic) => topic.name).filter((name) => existing.has(name));
  if (names.length === 0) return { topics: [] };
  const metadata = await admin.fetchTopicMetadata({ topics: names });
  const configs = new Map<string, Record<string, string>>();
  let configError: string | undefined;
  try {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: names.map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: Object.keys(declared.find((topic) => topic.name === name)?.config ?? {}),
      })),
    });
    for (const resource of described.resources) {
      if (resource.errorCode !== 0) continue;
      configs.set(
        resource.resourceName,
        Object.fromEntries(resource.configEntries.map((entry) => [entry.configName, entry.configValue])),
      );
    }
  } catch (error) {
    configError = error instanceof Error ? error.message : String(error);
  }
  return {
    configError,
    topics: metadata.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.length,
      replicationFactor: Math.max(0, ...topic.partitions.map((partition) => partition.replicas.length)),
      config: configs.get(topic.name),
    })),
  };
}

/** Creates the topics with their partitions, replication and configs; waits for their leaders. */
export async function createTopics(admin: Admin, topics: readonly DeclaredTopic[]): Promise<void> {
  if (topics.length === 0) return;
  await admin.createTopics({
    waitForLeaders: true,
    timeout: 30_000,
    topics: topics.map((topic) => ({
      topic: topic.name,
      numPartitions: topic.partitions,
      replicationFactor: topic.replicationFactor,
      configEntries: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
    })),
  });
}

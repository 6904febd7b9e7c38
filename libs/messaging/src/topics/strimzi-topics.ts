import { DeclaredTopic } from './topics.manifest';

export interface StrimziOptions {
  /** The Strimzi `Kafka` resource the topics belong to (label `strimzi.io/cluster`). */
  cluster: string;
  namespace?: string;
}

/** Strimzi's KafkaTopic resources for the manifest, as one multi-document YAML stream. */
export function renderStrimziTopics(topics: readonly DeclaredTopic[], options: StrimziOptions): string {
  return topics
    .map((topic) =>
      toYaml({
        apiVersion: 'kafka.strimzi.io/v1beta2',
        kind: 'KafkaTopic',
        metadata: {
          // A Kubernetes name takes lower-case letters, digits, '-' and '.'; spec.topicName keeps the real one.
          name: topic.name.replace(/[^a-z0-9.-]/g, '-'),
          ...(options.namespace ? { namespace: options.namespace } : {}),
          labels: { 'strimzi.io/cluster': options.cluster, 'app.kubernetes.io/part-of': 'coursehub' },
        },
        spec: {
          topicName: topic.name,
          partitions: topic.partitions,
          replicas: topic.replicationFactor,
          config: topic.config,
        },
      }),
    )
    .map((document) => `---\n${document}`)
    .join('');
}

type YamlValue = string | number | { [key: string]: YamlValue };

/**
 * Block YAML for nested maps of strings and numbers, strings JSON-quoted (valid YAML scalars).
 * Written by hand because js-yaml is a dev dependency and this runs in the service image too.
 */
function toYaml(value: { [key: string]: YamlValue }, indent = ''): string {
  return Object.entries(value)
    .map(([key, item]) =>
      typeof item === 'object'
        ? `${indent}${key}:\n${toYaml(item, `${indent}  `)}`
        : `${indent}${key}: ${typeof item === 'number' ? item : JSON.stringify(item)}\n`,
    )
    .join('');
}

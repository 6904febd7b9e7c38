import { DeclaredTopic } from './topics.manifest';

/** A topic as the brokers report it; `config` is undefined when the brokers would not describe it. */
export interface ObservedTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  config?: Record<string, string>;
}

/** One way a topic on the brokers differs from the manifest. */
export interface TopicDrift {
  topic: string;
  /** `partitions`, `replicationFactor` or a config name such as `retention.ms`. */
  setting: string;
  declared: string;
  actual: string;
}

export interface TopicsPlan {
  /** Declared topics the brokers lack: `kafka:topics` creates them. */
  create: DeclaredTopic[];
  /** Existing topics that differ: reported, never changed (see the README's topics section). */
  drift: TopicDrift[];
  /** Existing topics whose configs could not be read (brokers without DescribeConfigs rights). */
  configUnchecked: string[];
  /** Existing topics matching the manifest in everything checked. */
  inSync: string[];
}

/**
 * Compares the manifest with what the brokers hold. Nothing here talks to Kafka, so the same plan
 * drives the command, its dry run and the tests. Fewer partitions than declared caps consumer
 * scaling; more is harmless for consumers but moves keys, so both count as drift.
 */
export function planTopics(
  declared: readonly DeclaredTopic[],
  observed: readonly ObservedTopic[],
): TopicsPlan {
  const byName = new Map(observed.map((topic) => [topic.name, topic]));
  const plan: TopicsPlan = { create: [], drift: [], configUnchecked: [], inSync: [] };
  for (const topic of declared) {
    const actual = byName.get(topic.name);
    if (!actual) {
      plan.create.push(topic);
      continue;
    }
    const drift: TopicDrift[] = [];
    const compare = (setting: string, want: string, have: string | undefined): void => {
      if (have !== want)
        drift.push({ topic: topic.name, setting, declared: want, actual: have ?? '(unset)' });
    };
    compare('partitions', String(topic.partitions), String(actual.partitions));
    compare('replicationFactor', String(topic.replicationFactor), String(actual.replicationFactor));
    if (actual.config) {
      for (const [name, value] of Object.entries(topic.config)) compare(name, value, actual.config[name]);
    } else {
      plan.configUnchecked.push(topic.name);
    }
    if (drift.length > 0) plan.drift.push(...drift);
    else plan.inSync.push(topic.name);
  }
  return plan;
}

/** The plan as the lines the command prints. */
export function describePlan(plan: TopicsPlan, created: boolean): string[] {
  const lines: string[] = [];
  for (const topic of plan.create) {
    lines.push(
      `${created ? 'created' : 'missing'}  ${topic.name} (partitions ${topic.partitions}, replication ${topic.replicationFactor})`,
    );
  }
  for (const drift of plan.drift) {
    lines.push(`drift    ${drift.topic}: ${drift.setting} is ${drift.actual}, declared ${drift.declared}`);
  }
  for (const name of plan.configUnchecked) lines.push(`unchecked ${name}: configs not readable`);
  for (const name of plan.inSync) lines.push(`ok       ${name}`);
  return lines;
}

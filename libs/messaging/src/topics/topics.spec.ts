import * as contracts from '@coursehub/contracts';
import * as yaml from 'js-yaml';
import { planTopics } from './topics-plan';
import { renderStrimziTopics } from './strimzi-topics';
import { declaredTopics, topicsWithReplication } from './topics.manifest';
import { runKafkaTopicsCommand } from './topics-command';

const names = declaredTopics.map((topic) => topic.name);
const declared = (name: string) => declaredTopics.find((topic) => topic.name === name)!;

describe('the topics manifest', () => {
  it('declares every event topic of the contracts with its dead-letter topic, and every request with its reply topic', () => {
    const all = (Object.values(contracts) as unknown[]).filter(
      (value): value is { kind: string; topic: string } =>
        typeof value === 'object' && value !== null && 'kind' in value && 'topic' in value,
    );
    const events = all.filter((contract) => contract.kind === 'event').map((contract) => contract.topic);
    const requests = all.filter((contract) => contract.kind === 'request').map((contract) => contract.topic);
    expect(events.length).toBeGreaterThanOrEqual(4);
    expect(requests).toContain('coursehub.course.get.v1');
    const expected = [
      ...events.flatMap((topic) => [topic, contracts.deadLetterTopicOf(topic)]),
      ...requests.flatMap((topic) => [topic, `${topic}.reply`]),
    ];
    expect([...names].sort()).toEqual([...expected].sort());
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives each topic partitions, replication, retention and a cleanup policy', () => {
    for (const topic of declaredTopics) {
      expect(topic.partitions).toBeGreaterThanOrEqual(1);
      expect(topic.replicationFactor).toBe(3);
      expect(topic.config['cleanup.policy']).toBe('delete');
      expect(Number(topic.config['retention.ms'])).toBeGreaterThan(0);
    }
    // Dead letters outlive the events they failed on; replies are short-lived.
    const event = declared('coursehub.order.confirmed.v1');
    expect(Number(declared('coursehub.order.confirmed.v1.dlq').config['retention.ms'])).toBeGreaterThan(
      Number(event.config['retention.ms']),
    );
    expect(Number(declared('coursehub.course.get.v1.reply').config['retention.ms'])).toBe(3_600_000);
  });

  it('lowers replication and min.insync.replicas together for a small cluster', () => {
    const single = topicsWithReplication(declaredTopics, 1);
    expect(single.every((topic) => topic.replicationFactor === 1)).toBe(true);
    expect(single.every((topic) => topic.config['min.insync.replicas'] === '1')).toBe(true);
    expect(topicsWithReplication(declaredTopics, 3)[0].config['min.insync.replicas']).toBe('2');
  });
});

describe('planTopics', () => {
  const event = declared('coursehub.user.registered.v1');

  it('creates what is missing, reports partition, replication and config drift, and knows what it could not check', () => {
    const plan = planTopics(
      [event, declared('coursehub.user.registered.v1.dlq'), declared('coursehub.course.published.v1')],
      [
        {
          name: event.name,
          partitions: 1,
          replicationFactor: 3,
          config: { ...event.config, 'retention.ms': '1000' },
        },
        { name: 'coursehub.course.published.v1', partitions: 6, replicationFactor: 3 },
      ],
    );
    expect(plan.create.map((topic) => topic.name)).toEqual(['coursehub.user.registered.v1.dlq']);
    expect(plan.drift).toEqual([
      { topic: event.name, setting: 'partitions', declared: '6', actual: '1' },
      { topic: event.name, setting: 'retention.ms', declared: '604800000', actual: '1000' },
    ]);
    expect(plan.configUnchecked).toEqual(['coursehub.course.published.v1']);
    expect(plan.inSync).toEqual(['coursehub.course.published.v1']);
  });

  it('finds nothing to do when the brokers match the manifest', () => {
    const observed = declaredTopics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions,
      replicationFactor: topic.replicationFactor,
      config: { ...topic.config, 'unrelated.setting': 'x' },
    }));
    const plan = planTopics(declaredTopics, observed);
    expect(plan).toEqual({ create: [], drift: [], configUnchecked: [], inSync: names });
  });
});

describe('Strimzi rendering', () => {
  it('renders one KafkaTopic per declared topic, for the named cluster', async () => {
    const lines: string[] = [];
    const code = await runKafkaTopicsCommand(
      ['--strimzi', '--cluster', 'events', '--namespace', 'kafka', '--replication', '2'],
      {},
      { out: (line) => lines.push(line), err: (line) => lines.push(line) },
    );
    expect(code).toBe(0);
    const resources = yaml.loadAll(lines.join('\n')) as Array<{
      apiVersion: string;
      kind: string;
      metadata: { name: string; namespace: string; labels: Record<string, string> };
      spec: { topicName: string; partitions: number; replicas: number; config: Record<string, string> };
    }>;
    expect(resources.map((resource) => resource.spec.topicName)).toEqual(names);
    for (const resource of resources) {
      const topic = declared(resource.spec.topicName);
      expect(resource).toEqual({
        apiVersion: 'kafka.strimzi.io/v1beta2',
        kind: 'KafkaTopic',
        metadata: {
          name: topic.name,
          namespace: 'kafka',
          labels: { 'strimzi.io/cluster': 'events', 'app.kubernetes.io/part-of': 'coursehub' },
        },
        spec: {
          topicName: topic.name,
          partitions: topic.partitions,
          replicas: 2,
          config: { ...topic.config, 'min.insync.replicas': '1' },
        },
      });
    }
    expect(renderStrimziTopics(declaredTopics, { cluster: 'c' })).not.toContain('namespace');
  });

  it('rejects bad arguments with exit code 2 and the usage', async () => {
    for (const argv of [['--replication', '0'], ['--bogus'], ['--cluster']]) {
      const errors: string[] = [];
      const code = await runKafkaTopicsCommand(
        argv,
        {},
        { out: () => undefined, err: (line) => errors.push(line) },
      );
      expect([argv, code]).toEqual([argv, 2]);
      expect(errors.join('\n')).toContain('Usage:');
    }
  });
});

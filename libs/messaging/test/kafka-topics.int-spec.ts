/*
 * `npm run kafka:topics` against the Kafka protocol (librdkafka's mock cluster): the observed
 * state comes from real Metadata/DescribeConfigs requests, so the plan, the drift report and the
 * exit codes are those an operator sees. The mock implements no CreateTopics request: creation is
 * tested up to the broker's refusal (the command must fail loudly, name the topics and exit 1).
 */
import { KafkaMockCluster } from '@coursehub/testing';
import { declaredTopics, runKafkaTopicsCommand, TopicsPlan } from '../src/topics';

let cluster: KafkaMockCluster;
const preCreated = { matching: 'coursehub.course.published.v1', tooFew: 'coursehub.user.registered.v1' };

beforeAll(async () => {
  cluster = await KafkaMockCluster.start({
    topics: [
      { name: preCreated.matching, partitions: 6, replication: 1 },
      { name: preCreated.tooFew, partitions: 2, replication: 1 },
    ],
  });
}, 30_000);
afterAll(async () => cluster?.stop());

async function topicsCommand(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runKafkaTopicsCommand(
    argv,
    { KAFKA_BROKERS: cluster.bootstrapServers.join(',') },
    { out: (line) => out.push(line), err: (line) => err.push(line) },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run kafka:topics against a Kafka cluster', () => {
  it('plans the missing topics and reports the drifted partitions (dry run)', async () => {
    const { code, out } = await topicsCommand(['--dry-run', '--json', '--replication', '1']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as TopicsPlan & { created: boolean; configError?: string };
    expect(report.created).toBe(false);
    expect(report.create.map((topic) => topic.name).sort()).toEqual(
      declaredTopics
        .map((topic) => topic.name)
        .filter((name) => !Object.values(preCreated).includes(name))
        .sort(),
    );
    expect(report.drift).toEqual([
      { topic: preCreated.tooFew, setting: 'partitions', declared: '6', actual: '2' },
    ]);
    expect(report.inSync).toEqual([preCreated.matching]);
    // The mock answers no DescribeConfigs: configs are reported unchecked, not as drift.
    expect(report.configUnchecked.sort()).toEqual(Object.values(preCreated).sort());
  }, 30_000);

  it('counts the brokers replication against the declared factor', async () => {
    const { out } = await topicsCommand(['--dry-run', '--json']);
    const report = JSON.parse(out) as TopicsPlan;
    expect(report.drift).toEqual(
      expect.arrayContaining([
        { topic: preCreated.matching, setting: 'replicationFactor', declared: '3', actual: '1' },
      ]),
    );
  }, 30_000);

  it('exits 3 on drift with --fail-on-drift, and prints a readable report', async () => {
    const { code, out } = await topicsCommand(['--dry-run', '--fail-on-drift', '--replication', '1']);
    expect(code).toBe(3);
    expect(out).toContain(`drift    ${preCreated.tooFew}: partitions is 2, declared 6`);
    expect(out).toContain('missing  coursehub.order.confirmed.v1.dlq (partitions 1, replication 1)');
    expect(out).toContain(`ok       ${preCreated.matching}`);
  }, 30_000);

  it('asks the brokers to create the missing topics and fails loudly when they refuse', async () => {
    const { code, err } = await topicsCommand(['--replication', '1']);
    expect(code).toBe(1);
    expect(err).toMatch(/creating .*coursehub\.order\.confirmed\.v1.* failed/);
  }, 60_000);

  it('exits 1 with a clear message when Kafka cannot be reached', async () => {
    const out: string[] = [];
    const code = await runKafkaTopicsCommand(
      ['--dry-run'],
      { KAFKA_BROKERS: '127.0.0.1:1' },
      { out: (line) => out.push(line), err: (line) => out.push(line) },
    );
    expect(code).toBe(1);
    expect(out.join('\n')).toMatch(/cannot reach Kafka/);
  }, 30_000);
});

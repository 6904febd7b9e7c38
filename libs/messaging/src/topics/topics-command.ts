import type { Kafka } from 'kafkajs';
import { Command } from '../cli/command';
import { CommandIo, commandKafka, processIo } from '../cli/command-io';
import { createTopics, readObservedTopics } from './topics-admin';
import { describePlan, planTopics } from './topics-plan';
import { renderStrimziTopics } from './strimzi-topics';
import { declaredTopics, DeclaredTopic, topicsWithReplication } from './topics.manifest';

export const KAFKA_TOPICS_USAGE = `The Kafka topics CourseHub declares (libs/messaging/src/topics/topics.manifest.ts).

Usage:
  npm run kafka:topics [-- options]
  (in a container: node dist/libs/messaging/src/topics/topics-command.js [options])

Connects with the services' KAFKA_* variables, creates the declared topics the brokers lack and
reports drift (partitions, replication or configs that differ). Drift is never changed: partitions
can only grow, and growing them moves keys between partitions, so that is an operator's decision.

Options:
  --dry-run            report what is missing and what drifted; create nothing
  --fail-on-drift      exit 3 when a topic drifted (CI and the Helm hook Job may want this)
  --replication N      replication factor for every topic (default 3; 1 on a one-broker dev cluster)
  --strimzi            print Strimzi KafkaTopic resources instead; no connection to Kafka
  --cluster NAME       the Strimzi Kafka resource (label strimzi.io/cluster), default "coursehub"
  --namespace NS       metadata.namespace of the KafkaTopic resources
  --list               print the manifest
  --json               machine-readable output
  --help

Exit codes: 0 done, 1 Kafka failed (e.g. topic creation refused), 2 bad arguments, 3 drift with --fail-on-drift.
`;

export type TopicsIo = CommandIo;

interface TopicsArguments {
  dryRun: boolean;
  failOnDrift: boolean;
  replication?: number;
  strimzi: boolean;
  cluster: string;
  namespace?: string;
  list: boolean;
  json: boolean;
  help: boolean;
}

function parseArguments(argv: string[]): TopicsArguments {
  const parsed: TopicsArguments = {
    dryRun: false,
    failOnDrift: false,
    strimzi: false,
    cluster: 'coursehub',
    list: false,
    json: false,
    help: false,
  };
  const valueOf = (index: number, name: string): string => {
    const value = argv[index + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
    return value;
  };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    switch (argument) {
      case '--dry-run':
        parsed.dryRun = true;
        break;
      case '--fail-on-drift':
        parsed.failOnDrift = true;
        break;
      case '--strimzi':
        parsed.strimzi = true;
        break;
      case '--list':
        parsed.list = true;
        break;
      case '--json':
        parsed.json = true;
        break;
      case '--help':
        parsed.help = true;
        break;
      case '--replication': {
        const value = Number(valueOf(index, argument));
        if (!Number.isInteger(value) || value < 1)
          throw new Error('--replication must be a positive integer');
        parsed.replication = value;
        index += 1;
        break;
      }
      case '--cluster':
        parsed.cluster = valueOf(index, argument);
        index += 1;
        break;
      case '--namespace':
        parsed.namespace = valueOf(index, argument);
        index += 1;
        break;
      default:
        throw new Error(`unknown argument ${argument}`);
    }
  }
  return parsed;
}

/** `npm run kafka:topics`: returns the exit code (see KAFKA_TOPICS_USAGE). */
export const runKafkaTopicsCommand: Command = async (argv, env = process.env, io = processIo) => {
  let args: TopicsArguments;
  try {
    args = parseArguments(argv);
  } catch (error) {
    io.err(`kafka:topics: ${(error as Error).message}\n\n${KAFKA_TOPICS_USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(KAFKA_TOPICS_USAGE);
    return 0;
  }
  const topics: DeclaredTopic[] = args.replication
    ? topicsWithReplication(declaredTopics, args.replication)
    : [...declaredTopics];
  if (args.strimzi) {
    io.out(renderStrimziTopics(topics, { cluster: args.cluster, namespace: args.namespace }).trimEnd());
    return 0;
  }
  if (args.list) {
    if (args.json) io.out(JSON.stringify(topics, null, 2));
    else
      for (const topic of topics)
        io.out(`${topic.name}  ${topic.partitions}x${topic.replicationFactor}  ${topic.purpose}`);
    return 0;
  }

  let admin: ReturnType<Kafka['admin']>;
  try {
    admin = commandKafka(env, 'topics', { retry: { retries: 3 } }).admin();
    await admin.connect();
  } catch (error) {
    io.err(`kafka:topics: cannot reach Kafka: ${(error as Error).message}`);
    return 1;
  }
  try {
    const observed = await readObservedTopics(admin, topics);
    const plan = planTopics(topics, observed.topics);
    let created = false;
    if (!args.dryRun && plan.create.length > 0) {
      try {
        await createTopics(admin, plan.create);
        created = true;
      } catch (error) {
        io.err(
          `kafka:topics: creating ${plan.create.map((topic) => topic.name).join(', ')} failed: ${(error as Error).message}`,
        );
        for (const line of describePlan(plan, false)) io.err(line);
        return 1;
      }
    }
    if (args.json) io.out(JSON.stringify({ ...plan, created, configError: observed.configError }, null, 2));
    else {
      for (const line of describePlan(plan, created)) io.out(line);
      if (observed.configError) io.out(`configs not checked: ${observed.configError}`);
    }
    return args.failOnDrift && plan.drift.length > 0 ? 3 : 0;
  } catch (error) {
    io.err(`kafka:topics: ${(error as Error).message}`);
    return 1;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
};

if (require.main === module) {
  void runKafkaTopicsCommand(process.argv.slice(2)).then((code) => process.exit(code));
}

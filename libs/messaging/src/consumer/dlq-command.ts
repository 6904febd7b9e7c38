import type { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { Command } from '../cli/command';
import { CommandEnv, CommandIo, commandKafka, printListing, processIo } from '../cli/command-io';
import { listParkedOutboxEvents, ParkedOutboxEvent, retryParkedOutboxEvents } from '../outbox/outbox-admin';
import { readTopicsToEnd } from '../transport/read-topics-to-end';
import { DeadLetter, DeadLetterTable, SqlQuery } from './dead-letters';

export const DLQ_USAGE = `Dead letters and parked outbox events of CourseHub.

Usage:
  npm run dlq -- list [--topic T] [--json]
  npm run dlq -- replay <id...> | --all [--topic T]
  npm run dlq -- outbox list [--topic T] [--json]
  npm run dlq -- outbox retry <id...> | --all [--topic T]
  (in a container: node dist/libs/messaging/src/consumer/dlq-command.js <the same arguments>)

Dead letters are events a consumer gave up on: an invalid envelope or a PermanentEventError at
once, another error after MESSAGING_MAX_ATTEMPTS attempts (transient failures never: they are
retried until the infrastructure is back). T is the event's topic, e.g. coursehub.user.registered.v1.

  list     every dead letter with its id, topic, reason, consumer, time, replay state and error.
  replay   re-publishes the chosen dead letters' messages, unchanged (same event id, so an
           idempotent consumer applies each at most once), to their original topic; --all takes
           every one not replayed yet. Fix the handler (or the data) first.

Where the dead letters are (the first that applies):
  --database URL     a feature database (repeatable): its dead_letters table (in-process transport,
                     i.e. the single-process platform). A replay writes the message back into that
                     database's outbox: the running platform delivers it within OUTBOX_POLL_MS, or
                     the next start does.
  --platform         the platform on PostgreSQL: DATABASE_URL names the server and the prefix, the
                     feature databases are <prefix>_auth, <prefix>_course, <prefix>_order
                     (--features a,b,c to change the list).
  KAFKA_BROKERS      (and the other KAFKA_* variables of the services) the <topic>.dlq topics: read
                     from the beginning with a throwaway consumer group; a replay publishes the
                     message to <topic> and a "replayed" marker to <topic>.dlq.
  DATABASE_URL       without KAFKA_BROKERS: one database, as --database.
  An embedded platform (PGlite under DATA_DIR, no DATABASE_URL) keeps its databases private to its
  process: run the platform with DATABASE_URL to use this command on it.

Parked outbox events (outbox list|retry; they need a database: --database, --platform or
DATABASE_URL) are events the outbox relay failed to publish OUTBOX_MAX_PUBLISH_ATTEMPTS times with
a non-transient error; they are kept with their error and skipped so later events flow. "retry"
un-parks them: the relay publishes them again at its next pass.

Options: --json (machine-readable output), --timeout-ms N (Kafka read, default 20000), --help.
`;

export type DlqIo = CommandIo;

interface ParsedArguments {
  positional: string[];
  topic?: string;
  all: boolean;
  json: boolean;
  platform: boolean;
  databases: string[];
  features: string[];
  timeoutMs: number;
  help: boolean;
}

function parseArguments(argv: string[]): ParsedArguments {
  const parsed: ParsedArguments = {
    positional: [],
    all: false,
    json: false,
    platform: false,
    databases: [],
    features: ['auth', 'course', 'order'],
    timeoutMs: 20_000,
    help: false,
  };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    const value = () => {
      const next = argv[++index];
      if (next === undefined) throw new UsageError(`${argument} needs a value`);
      return next;
    };
    if (argument === '--topic') parsed.topic = value();
    else if (argument === '--all') parsed.all = true;
    else if (argument === '--json') parsed.json = true;
    else if (argument === '--platform') parsed.platform = true;
    else if (argument === '--database') parsed.databases.push(value());
    else if (argument === '--features') parsed.features = value().split(',').filter(Boolean);
    else if (argument === '--timeout-ms') parsed.timeoutMs = Number(value());
    else if (argument === '--help' || argument === '-h') parsed.help = true;
    else if (argument.startsWith('--')) throw new UsageError(`Unknown option ${argument}`);
    else parsed.positional.push(argument);
  }
  return parsed;
}

class UsageError extends Error {}

/** A feature database the command works on. */
interface NamedDatabase {
  name: string;
  url: string;
}

function databasesOf(args: ParsedArguments, env: CommandEnv): NamedDatabase[] {
  const label = (url: string) => new URL(url).pathname.replace(/^\//, '') || url;
  if (args.databases.length > 0) return args.databases.map((url) => ({ name: label(url), url }));
  if (args.platform) {
    if (!env.DATABASE_URL)
      throw new UsageError('--platform needs DATABASE_URL (the platform server and prefix)');
    const base = new URL(env.DATABASE_URL);
    const prefix = base.pathname.replace(/^\//, '') || 'coursehub';
    return args.features.map((feature) => {
      const url = new URL(env.DATABASE_URL!);
      url.pathname = `/${`${prefix}_${feature}`.replace(/[^A-Za-z0-9_]/g, '_')}`;
      return { name: feature, url: url.toString() };
    });
  }
  if (env.DATABASE_URL) return [{ name: label(env.DATABASE_URL), url: env.DATABASE_URL }];
  return [];
}

async function withDatabase<T>(database: NamedDatabase, work: (query: SqlQuery) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: database.url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const query: SqlQuery = async <Row>(sql: string, parameters?: unknown[]) =>
      (await client.query(sql, parameters)).rows as Row[];
    return await work(query);
  } finally {
    await client.end();
  }
}

const DEAD_LETTER_MARKER_HEADER = 'x-dead-letter-replay';

/** Every dead letter on the `.dlq` topics (or `<topic>.dlq`), with the replay markers folded in. */
export async function readKafkaDeadLetters(
  kafka: Kafka,
  options: { topic?: string; timeoutMs?: number } = {},
): Promise<DeadLetter[]> {
  const records: { value: Record<string, unknown>; marker: boolean; fallbackId: string }[] = [];
  await readTopicsToEnd(
    kafka,
    (topic) =>
      topic.endsWith('.dlq') &&
      (!options.topic || topic === `${options.topic}.dlq` || topic === options.topic),
    ({ topic, partition, message }) => {
      try {
        const value = JSON.parse(message.value?.toString() ?? 'null') as Record<string, unknown>;
        if (value && typeof value === 'object')
          records.push({
            value,
            marker: message.headers?.[DEAD_LETTER_MARKER_HEADER] !== undefined || 'replayOf' in value,
            fallbackId: `${topic}:${partition}:${message.offset}`,
          });
      } catch {
        // Not JSON: nothing this command can replay.
      }
    },
    {
      what: 'Reading the dead-letter topics',
      groupPrefix: 'coursehub-dlq-cli',
      timeoutMs: options.timeoutMs ?? 20_000,
    },
  );
  const replayedAt = new Map<string, string>();
  for (const record of records.filter((candidate) => candidate.marker)) {
    replayedAt.set(String(record.value.replayOf), String(record.value.replayedAt));
  }
  return records
    .filter((record) => !record.marker)
    .map((record) => {
      const value = record.value;
      const id = typeof value.id === 'string' ? value.id : record.fallbackId;
      return {
        id,
        topic: String(value.topic),
        key: typeof value.key === 'string' ? value.key : null,
        reason: value.reason as DeadLetter['reason'],
        error: typeof value.error === 'string' ? value.error : '',
        failedAt: typeof value.failedAt === 'string' ? value.failedAt : '',
        consumer: typeof value.consumer === 'string' ? value.consumer : '',
        headers: (value.headers as Record<string, string>) ?? {},
        message: value.message,
        replayedAt: replayedAt.get(id) ?? null,
      };
    });
}

/** Re-publishes dead letters to their topics, then marks each replayed on its `.dlq` topic. */
export async function replayKafkaDeadLetters(kafka: Kafka, deadLetters: DeadLetter[]): Promise<number> {
  if (deadLetters.length === 0) return 0;
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  try {
    for (const deadLetter of deadLetters) {
      const headers = Object.fromEntries(
        Object.entries(deadLetter.headers).filter(([name]) => !name.startsWith('x-dead-letter-')),
      );
      await producer.send({
        topic: deadLetter.topic,
        acks: -1,
        messages: [
          {
            key: deadLetter.key,
            value: JSON.stringify(deadLetter.message),
            headers: { ...headers, 'x-replayed-dead-letter': deadLetter.id },
          },
        ],
      });
      await producer.send({
        topic: `${deadLetter.topic}.dlq`,
        acks: -1,
        messages: [
          {
            key: deadLetter.key,
            value: JSON.stringify({ replayOf: deadLetter.id, replayedAt: new Date().toISOString() }),
            headers: { [DEAD_LETTER_MARKER_HEADER]: deadLetter.id },
          },
        ],
      });
    }
  } finally {
    await producer.disconnect();
  }
  return deadLetters.length;
}

function chosen<T extends { id: string; replayedAt?: string | null }>(
  items: T[],
  args: ParsedArguments,
  skipReplayed: boolean,
): T[] {
  if (args.all) return items.filter((item) => !(skipReplayed && item.replayedAt));
  const ids = new Set(args.positional.slice(1));
  return items.filter((item) => ids.has(item.id));
}

function printDeadLetters(
  io: DlqIo,
  deadLetters: (DeadLetter & { database?: string })[],
  json: boolean,
): void {
  printListing(io, deadLetters, {
    json,
    empty: 'No dead letters.',
    fieldsOf: (deadLetter) => [
      deadLetter.id,
      deadLetter.topic,
      deadLetter.reason,
      deadLetter.failedAt,
      `consumer=${deadLetter.consumer}`,
      ...(deadLetter.database ? [`database=${deadLetter.database}`] : []),
      deadLetter.replayedAt ? `replayed=${deadLetter.replayedAt}` : 'not-replayed',
      `error=${JSON.stringify(deadLetter.error)}`,
    ],
    countLine: (count) => `${count} dead letter(s).`,
  });
}

function printParked(io: DlqIo, events: (ParkedOutboxEvent & { database: string })[], json: boolean): void {
  printListing(io, events, {
    json,
    empty: 'No parked outbox events.',
    fieldsOf: (event) => [
      event.id,
      event.topic,
      `database=${event.database}`,
      `attempts=${event.attempts}`,
      `parked=${event.parkedAt}`,
      `error=${JSON.stringify(event.lastError)}`,
    ],
    countLine: (count) => `${count} parked outbox event(s).`,
  });
}

/**
 * The `dlq` command (scripts/dlq.ts, or `node dist/libs/messaging/src/consumer/dlq-command.js`).
 * @returns the exit code.
 */
export const runDlqCommand: Command = async (argv, env = process.env, io = processIo) => {
  let args: ParsedArguments;
  try {
    args = parseArguments(argv);
    if (args.help || args.positional.length === 0) {
      io.out(DLQ_USAGE);
      return args.help ? 0 : 2;
    }
    const [command, subcommand] = args.positional;
    const databases = databasesOf(args, env);

    if (command === 'outbox') {
      if (databases.length === 0)
        throw new UsageError('outbox commands need --database, --platform or DATABASE_URL');
      if (subcommand === 'list') {
        const events: (ParkedOutboxEvent & { database: string })[] = [];
        for (const database of databases) {
          const parked = await withDatabase(database, (query) =>
            listParkedOutboxEvents(query, { topic: args.topic }),
          );
          events.push(...parked.map((event) => ({ ...event, database: database.name })));
        }
        printParked(io, events, args.json);
        return 0;
      }
      if (subcommand === 'retry') {
        const ids = args.positional.slice(2);
        if (!args.all && ids.length === 0) throw new UsageError('outbox retry needs ids or --all');
        let retried = 0;
        for (const database of databases) {
          retried += await withDatabase(database, (query) =>
            retryParkedOutboxEvents(query, { ids: args.all ? undefined : ids, topic: args.topic }),
          );
        }
        io.out(`${retried} parked outbox event(s) queued for publishing again.`);
        return 0;
      }
      throw new UsageError(`Unknown outbox command ${String(subcommand)}`);
    }

    if (command !== 'list' && command !== 'replay') throw new UsageError(`Unknown command ${command}`);
    if (command === 'replay' && !args.all && args.positional.length < 2)
      throw new UsageError('replay needs dead-letter ids or --all');

    if (databases.length > 0 && (args.databases.length > 0 || args.platform || !env.KAFKA_BROKERS)) {
      const all: (DeadLetter & { database: string })[] = [];
      let replayed = 0;
      for (const database of databases) {
        await withDatabase(database, async (query) => {
          const table = new DeadLetterTable(query);
          const deadLetters = await table.list({ topic: args.topic });
          if (command === 'list')
            all.push(...deadLetters.map((deadLetter) => ({ ...deadLetter, database: database.name })));
          else replayed += await table.replay(chosen(deadLetters, args, true));
        });
      }
      if (command === 'list') printDeadLetters(io, all, args.json);
      else io.out(`${replayed} dead letter(s) replayed (written back to the outbox).`);
      return 0;
    }
    if (!env.KAFKA_BROKERS) throw new UsageError('Set KAFKA_BROKERS, DATABASE_URL, --database or --platform');
    const kafka = commandKafka(env, 'dlq');
    const deadLetters = await readKafkaDeadLetters(kafka, { topic: args.topic, timeoutMs: args.timeoutMs });
    if (command === 'list') {
      printDeadLetters(io, deadLetters, args.json);
      return 0;
    }
    const selection = chosen(deadLetters, args, true);
    const missing = args.all
      ? []
      : args.positional.slice(1).filter((id) => !selection.some((item) => item.id === id));
    if (missing.length > 0) io.err(`Not found: ${missing.join(', ')}`);
    const replayed = await replayKafkaDeadLetters(kafka, selection);
    io.out(`${replayed} dead letter(s) replayed to their topics.`);
    return missing.length > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${DLQ_USAGE}`);
      return 2;
    }
    io.err(`dlq failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
};

if (require.main === module) {
  void runDlqCommand(process.argv.slice(2)).then((code) => process.exit(code));
}

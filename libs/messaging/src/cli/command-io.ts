import { parseEnv } from '@coursehub/core';
import type { Kafka, KafkaConfig } from 'kafkajs';
import { kafkaEnvSchema } from '../messaging.env';
import { kafkaConnectionFromEnv, kafkaSideClient } from '../transport/kafka-options';

/** The environment a command reads its settings from (process.env by default). */
export type CommandEnv = Record<string, string | undefined>;

/** Where a command-line tool of this library writes: stdout/stderr by default, a buffer in tests. */
export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The process's own stdout and stderr, one line a call. */
export const processIo: CommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Prints a listing: the items as indented JSON with `json`, else `empty` when there are none, else
 * one line an item (its fields joined by two spaces) and the count (`countLine`).
 */
export function printListing<T>(
  io: CommandIo,
  items: T[],
  options: {
    json: boolean;
    empty: string;
    fieldsOf: (item: T) => string[];
    countLine: (count: number) => string;
  },
): void {
  if (options.json) {
    io.out(JSON.stringify(items, null, 2));
    return;
  }
  if (items.length === 0) {
    io.out(options.empty);
    return;
  }
  for (const item of items) io.out(options.fieldsOf(item).join('  '));
  io.out(options.countLine(items.length));
}

/**
 * A command's Kafka client from the services' KAFKA_* variables: client id `<KAFKA_CLIENT_ID>-<command>-cli`,
 * a 3 s connection timeout (an operator waits for it), and silent: the command reports failures.
 */
export function commandKafka(
  env: CommandEnv,
  command: string,
  options: Pick<KafkaConfig, 'retry'> = {},
): Kafka {
  const connection = kafkaConnectionFromEnv(parseEnv(kafkaEnvSchema, env), command);
  return kafkaSideClient(connection, 'cli', { connectionTimeout: 3_000, ...options });
}

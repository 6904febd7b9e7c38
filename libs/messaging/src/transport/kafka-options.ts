import { KafkaOptions, Transport } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Kafka, type KafkaConfig, logLevel, type SASLOptions } from 'kafkajs';
import { KafkaEnv } from '../messaging.env';
// Before any client exists: every Kafka client of the process is made here or from these options.
import './kafkajs-request-queue';

/** Resolved Kafka settings of this process (also the DI token for them). */
export abstract class KafkaConnection {
  abstract brokers: string[];
  abstract clientId: string;
  abstract groupId: string;
  abstract ssl: boolean;
  abstract sasl?: SASLOptions;
  abstract maxWaitTimeInMs: number;
  abstract idempotentProducer: boolean;
  abstract sessionTimeoutMs: number;
  /** Partitions whose events are handled at the same time (one at a time within each: per-key order). */
  abstract partitionsConsumedConcurrently?: number;
  /** Events a consumer handles at the same time (one key's events one after the other, in order). */
  abstract eventsInFlight?: number;
  /** Clients may create missing topics (development and tests); elsewhere `npm run kafka:topics` does. */
  abstract autoCreateTopics: boolean;
}

/** The variables kafkaConnectionFromEnv reads (besides NODE_ENV). */
export const KAFKA_CONNECTION_KEYS = [
  'KAFKA_BROKERS',
  'KAFKA_CLIENT_ID',
  'KAFKA_GROUP_ID',
  'KAFKA_SSL',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'KAFKA_MAX_WAIT_MS',
  'KAFKA_IDEMPOTENT_PRODUCER',
  'KAFKA_SESSION_TIMEOUT_MS',
  'KAFKA_AUTO_CREATE_TOPICS',
  'KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY',
  'KAFKA_EVENTS_IN_FLIGHT',
] as const satisfies readonly (keyof KafkaEnv)[];

export function kafkaConnectionFromEnv(
  env: Pick<KafkaEnv, (typeof KAFKA_CONNECTION_KEYS)[number]> & { NODE_ENV?: string },
  serviceName: string,
): KafkaConnection {
  if (!env.KAFKA_BROKERS || env.KAFKA_BROKERS.length === 0) {
    throw new Error('Invalid configuration: KAFKA_BROKERS is required for the Kafka transport');
  }
  const sasl =
    env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD
      ? ({
          mechanism: env.KAFKA_SASL_MECHANISM,
          username: env.KAFKA_SASL_USERNAME,
          password: env.KAFKA_SASL_PASSWORD,
        } as SASLOptions)
      : undefined;
  return {
    brokers: env.KAFKA_BROKERS,
    clientId: `${env.KAFKA_CLIENT_ID}-${serviceName}`,
    groupId: env.KAFKA_GROUP_ID ?? `coursehub-${serviceName}`,
    ssl: env.KAFKA_SSL,
    sasl,
    maxWaitTimeInMs: env.KAFKA_MAX_WAIT_MS,
    idempotentProducer: env.KAFKA_IDEMPOTENT_PRODUCER,
    sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
    partitionsConsumedConcurrently: env.KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY,
    eventsInFlight: env.KAFKA_EVENTS_IN_FLIGHT,
    autoCreateTopics:
      env.KAFKA_AUTO_CREATE_TOPICS ?? (env.NODE_ENV === 'development' || env.NODE_ENV === 'test'),
  };
}

/**
 * A plain kafkajs client on this process's connection for work beside the Nest transport (the
 * readiness probe, the lag monitor, the CLIs): client id `<clientId>-<role>`, the caller's timeouts,
 * and silent, since each caller reports its own failures.
 */
export function kafkaSideClient(
  connection: Pick<KafkaConnection, 'clientId' | 'brokers' | 'ssl' | 'sasl'>,
  role: string,
  timeouts: Pick<KafkaConfig, 'connectionTimeout' | 'requestTimeout' | 'retry'>,
): Kafka {
  return new Kafka({
    clientId: `${connection.clientId}-${role}`,
    brokers: connection.brokers,
    ssl: connection.ssl,
    sasl: connection.sasl,
    ...timeouts,
    logLevel: logLevel.NOTHING,
  });
}

/** Options shared by the Nest Kafka server (consumer) and client (producer, request/reply). */
export function kafkaTransportOptions(connection: KafkaConnection): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      client: {
        clientId: connection.clientId,
        brokers: connection.brokers,
        ssl: connection.ssl,
        sasl: connection.sasl,
        connectionTimeout: 3_000,
        requestTimeout: 10_000,
        retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5_000 },
        logLevel: 1, // ERROR: kafkajs is chatty at INFO while brokers come and go
      },
      consumer: {
        groupId: connection.groupId,
        sessionTimeout: connection.sessionTimeoutMs,
        heartbeatInterval: Math.max(500, Math.floor(connection.sessionTimeoutMs / 10)),
        rebalanceTimeout: connection.sessionTimeoutMs,
        maxWaitTimeInMs: connection.maxWaitTimeInMs,
        allowAutoTopicCreation: connection.autoCreateTopics,
        retry: { initialRetryTime: 200, retries: 10, maxRetryTime: 5_000 },
      },
      producer: {
        allowAutoTopicCreation: connection.autoCreateTopics,
        idempotent: connection.idempotentProducer,
        maxInFlightRequests: connection.idempotentProducer ? 1 : undefined,
      },
      // A new consumer group starts from the oldest retained event: nothing published before it joined is skipped.
      subscribe: { fromBeginning: true },
      // Events of one partition (hence of one key) are handled one after the other, in order;
      // several partitions at once.
      run: { partitionsConsumedConcurrently: connection.partitionsConsumedConcurrently ?? 1 },
      send: { acks: -1 },
    },
  };
}

/** Unique per client instance (pod name, pid, random): the reply consumer's own group. */
export function replyGroupInstanceId(): string {
  const host = hostname()
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 60);
  return `${host}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

/**
 * Options of the Nest Kafka client (producer + request/reply). Its reply consumer joins a group of
 * its own, unique to this instance: every instance then owns every partition of its reply topics
 * and sees every reply (ignoring other callers' correlation ids), whatever the partition count and
 * the number of replicas. A shared group would give some replicas no reply partition at all.
 * It starts at the latest offset and commits nothing: replies sent before it joined have no waiting
 * caller, and an instance's group is never reused.
 */
export function kafkaClientOptions(
  connection: KafkaConnection,
  requestTopics: string[],
  instanceId = replyGroupInstanceId(),
): KafkaOptions {
  const options = kafkaTransportOptions(connection).options ?? {};
  return {
    transport: Transport.KAFKA,
    options: {
      ...options,
      // Nothing to receive replies for: a producer only, no consumer group.
      producerOnlyMode: requestTopics.length === 0,
      consumer: { ...options.consumer!, groupId: `${connection.groupId}-replies-${instanceId}` },
      subscribe: { fromBeginning: false },
      run: { ...options.run, autoCommit: false },
    },
  };
}

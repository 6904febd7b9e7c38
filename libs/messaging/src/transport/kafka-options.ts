import { KafkaOptions, Transport } from '@nestjs/microservices';
import type { SASLOptions } from 'kafkajs';
import { KafkaEnv } from '../messaging.env';

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
}

export function kafkaConnectionFromEnv(env: KafkaEnv, serviceName: string): KafkaConnection {
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
  };
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
        allowAutoTopicCreation: true,
        retry: { initialRetryTime: 200, retries: 10, maxRetryTime: 5_000 },
      },
      producer: {
        allowAutoTopicCreation: true,
        idempotent: connection.idempotentProducer,
        maxInFlightRequests: connection.idempotentProducer ? 1 : undefined,
      },
      // A new consumer group starts from the oldest retained event: nothing published before it joined is skipped.
      subscribe: { fromBeginning: true },
      run: { partitionsConsumedConcurrently: 1 },
      send: { acks: -1 },
    },
  };
}

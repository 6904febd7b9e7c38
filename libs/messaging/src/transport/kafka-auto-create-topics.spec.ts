import { parseEnv } from '@coursehub/core';
import { kafkaEnvSchema } from '../messaging.env';
import { kafkaClientOptions, kafkaConnectionFromEnv, kafkaTransportOptions } from './kafka-options';

/** The producer's and the consumer's allowAutoTopicCreation for an environment. */
function autoCreation(env: Record<string, string>): boolean[] {
  const { NODE_ENV, ...kafka } = env;
  const connection = kafkaConnectionFromEnv(
    { ...parseEnv(kafkaEnvSchema, { KAFKA_BROKERS: '127.0.0.1:9092', ...kafka }), NODE_ENV },
    'order',
  );
  const server = kafkaTransportOptions(connection).options!;
  const client = kafkaClientOptions(connection, ['coursehub.course.get.v1'], 'x').options!;
  return [server.producer!, server.consumer!, client.producer!, client.consumer!].map(
    (options) => (options as { allowAutoTopicCreation?: boolean }).allowAutoTopicCreation!,
  );
}

describe('KAFKA_AUTO_CREATE_TOPICS', () => {
  it('lets clients create topics in development and tests only, by default', () => {
    expect(autoCreation({ NODE_ENV: 'development' })).toEqual([true, true, true, true]);
    expect(autoCreation({ NODE_ENV: 'test' })).toEqual([true, true, true, true]);
    expect(autoCreation({ NODE_ENV: 'production' })).toEqual([false, false, false, false]);
  });

  it('is decided by the variable when it is set', () => {
    expect(autoCreation({ NODE_ENV: 'production', KAFKA_AUTO_CREATE_TOPICS: 'true' })).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(autoCreation({ NODE_ENV: 'development', KAFKA_AUTO_CREATE_TOPICS: 'false' })).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(() => parseEnv(kafkaEnvSchema, { KAFKA_AUTO_CREATE_TOPICS: 'maybe' })).toThrow(
      /KAFKA_AUTO_CREATE_TOPICS/,
    );
  });
});

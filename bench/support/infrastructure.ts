import { kafkaMockPaths } from '@coursehub/testing';
import { existsSync } from 'node:fs';

/** The PostgreSQL server the benchmarks create their temporary databases on. */
export function postgresServerUrl(): string {
  return process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** Why the Kafka mock cannot run here, or undefined when its launcher is built. */
export function kafkaMockUnavailable(): string | undefined {
  try {
    const { binary } = kafkaMockPaths();
    return existsSync(binary)
      ? undefined
      : `Kafka mock launcher not built (${binary}); run \`npm run setup\``;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Consumer settings the tests use on the Kafka mock (see notes/conventions). */
export const KAFKA_MOCK_CLIENT_ENV = {
  KAFKA_MAX_WAIT_MS: '50',
  KAFKA_IDEMPOTENT_PRODUCER: 'false',
  KAFKA_SESSION_TIMEOUT_MS: '6000',
} as const;

/** Sets variables for the next app; returns a function that restores the previous values. */
export function withEnv(values: Record<string, string | undefined>): () => void {
  const previous = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  const apply = (next: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(next)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(values);
  return () => apply(previous);
}

import { kafkaMockPaths, MessagingTestBed } from '@coursehub/testing';
import { existsSync } from 'node:fs';

/** The PostgreSQL server the benchmarks create their temporary databases on. */
export function postgresServerUrl(): string {
  return process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** A fresh database on that server and, with `kafka`, a one-broker Kafka mock (see MessagingTestBed). */
export function startTestBed(name: string, kafka: boolean): Promise<MessagingTestBed> {
  return MessagingTestBed.start({ name, kafka, postgresUrl: postgresServerUrl() });
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

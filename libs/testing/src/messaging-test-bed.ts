import { TestTokenIssuer } from './auth';
import { KafkaMockCluster } from './kafka';
import { createTemporaryDatabase, TemporaryDatabase } from './postgres/test-database';

/** Consumer settings for the Kafka mock: short fetch waits, and a session timeout its rebalances wait out. */
export const KAFKA_MOCK_CLIENT_ENV = {
  KAFKA_MAX_WAIT_MS: '50',
  KAFKA_IDEMPOTENT_PRODUCER: 'false',
  KAFKA_SESSION_TIMEOUT_MS: '6000',
} as const;

export interface MessagingTestBedOptions {
  /** Prefix of the temporary database's name (also of the Kafka consumer group). */
  name: string;
  /** With `true`, a one-broker Kafka mock of its own; else no broker (KAFKA_BROKERS unset). */
  kafka: boolean;
  /** The PostgreSQL server to create the database on (createTemporaryDatabase's default otherwise). */
  postgresUrl?: string;
}

/**
 * What a test or benchmark of messaging stands up: a fresh database and, on Kafka, a one-broker
 * Kafka mock. `env` holds what an app needs to use them: DATABASE_URL, a JWT_PUBLIC_KEY and, on
 * Kafka, KAFKA_BROKERS, a fresh KAFKA_GROUP_ID and KAFKA_MOCK_CLIENT_ENV (KAFKA_BROKERS is
 * `undefined` without Kafka, so that spreading `env` over process.env unsets it).
 */
export class MessagingTestBed {
  private constructor(
    readonly database: TemporaryDatabase,
    private readonly kafkaMock: KafkaMockCluster | undefined,
    readonly env: Record<string, string | undefined>,
  ) {}

  /** The Kafka mock (started with `kafka: true` only). */
  get cluster(): KafkaMockCluster {
    if (!this.kafkaMock) throw new Error('this test bed was started without Kafka');
    return this.kafkaMock;
  }

  static async start(options: MessagingTestBedOptions): Promise<MessagingTestBed> {
    const database = await createTemporaryDatabase(options.name, options.postgresUrl);
    const env: Record<string, string | undefined> = {
      DATABASE_URL: database.url,
      JWT_PUBLIC_KEY: new TestTokenIssuer().publicKeyPem,
      KAFKA_BROKERS: undefined,
    };
    if (!options.kafka) return new MessagingTestBed(database, undefined, env);
    try {
      const cluster = await KafkaMockCluster.start({ brokers: 1 });
      return new MessagingTestBed(database, cluster, {
        ...env,
        ...KAFKA_MOCK_CLIENT_ENV,
        KAFKA_BROKERS: cluster.bootstrapServers.join(','),
        KAFKA_GROUP_ID: `${options.name}-${Date.now()}`,
      });
    } catch (error) {
      await database.drop();
      throw error;
    }
  }

  /** Stops the broker and drops the database (close the apps using them first). */
  async stop(): Promise<void> {
    await this.kafkaMock?.stop();
    await this.database.drop();
  }
}

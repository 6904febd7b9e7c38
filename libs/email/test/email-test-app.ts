import type { EventContract, EventEnvelope } from '@coursehub/contracts';
import { MongoWireServer, SmtpSink } from '@coursehub/embedded';
import { createRootModule, MessageBus, startApp, TransportKind } from '@coursehub/messaging';
import { createTemporaryMongoDatabase, KafkaMockCluster, TemporaryMongoDatabase } from '@coursehub/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmailModule, EmailModuleOptions } from '../src';
import { EmailRecord } from '../src/data/email-record.schema';
import { EmailsService } from '../src/domain/emails.service';

/**
 * The e-mail feature composed like apps/email, on the transport the test chooses. MongoDB and SMTP
 * are handed in as options (as the platform does), the rest of the configuration through `env`.
 */
export async function startEmailApp(
  infrastructure: Required<EmailModuleOptions>,
  env: Record<string, string>,
  transport: TransportKind = 'in-process',
): Promise<{ app: NestFastifyApplication; baseUrl: string }> {
  const root = createRootModule({
    service: 'email',
    transport,
    features: [EmailModule.register(infrastructure)],
    env,
  });
  const { app, url } = await startApp(root, {
    title: 'e-mail test app',
    listenOn: { port: 0, host: '127.0.0.1' },
  });
  return { app, baseUrl: url };
}

/** The e-mail app on a transport together with everything it talks to, as the event tests use it. */
export interface EmailStack {
  app: NestFastifyApplication;
  baseUrl: string;
  bus: MessageBus;
  emails: EmailsService;
  database: TemporaryMongoDatabase;
  sink: SmtpSink;
  /** Publishes the event the way its producer does: on the contract's topic, keyed by the user. */
  publish<Contract extends EventContract>(
    contract: Contract,
    envelope: EventEnvelope<{ userId: string }>,
  ): Promise<void>;
  /** The record of the event's e-mail once it is sent. */
  sentRecordOf(eventId: string, timeoutMs?: number): Promise<EmailRecord>;
  stop(): Promise<void>;
}

/**
 * Starts a temporary MongoDB database named after `databaseName`, an SMTP sink, for the `kafka`
 * transport a Kafka mock cluster of one broker, and the e-mail app on top of them, polling every
 * 50 ms; `env` adds to (or overrides) that configuration.
 */
export async function startEmailStack(
  transport: TransportKind,
  databaseName: string,
  env: Record<string, string>,
): Promise<EmailStack> {
  const [cluster, database, sink] = await Promise.all([
    transport === 'kafka' ? KafkaMockCluster.start({ brokers: 1 }) : undefined,
    createTemporaryMongoDatabase(databaseName),
    SmtpSink.start(),
  ]);
  let app: NestFastifyApplication | undefined;
  const stop = async () => {
    await app?.close();
    await Promise.all([cluster?.stop(), sink.stop(), database.drop()]);
  };
  try {
    const kafka = cluster && {
      KAFKA_BROKERS: cluster.bootstrapServers.join(','),
      KAFKA_MAX_WAIT_MS: '50',
      KAFKA_IDEMPOTENT_PRODUCER: 'false',
      KAFKA_GROUP_ID: `email-${randomUUID()}`,
    };
    const started = await startEmailApp(
      { mongoUrl: database.url, smtpUrl: sink.url },
      {
        LOG_LEVEL: process.env.EMAIL_TEST_LOG_LEVEL ?? 'silent',
        EMAIL_POLL_INTERVAL_MS: '50',
        ...kafka,
        ...env,
      },
      transport,
    );
    app = started.app;
    const bus = app.get(MessageBus);
    const emails = app.get(EmailsService);
    return {
      app,
      baseUrl: started.baseUrl,
      bus,
      emails,
      database,
      sink,
      publish: (contract, envelope) =>
        bus.publish({ topic: contract.topic, key: envelope.data.userId, value: envelope }),
      sentRecordOf: (eventId, timeoutMs = 30_000) => sentRecordOf(emails, eventId, timeoutMs),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The record of `eventId` once it is sent. */
export function sentRecordOf(
  emails: EmailsService,
  eventId: string,
  timeoutMs = 30_000,
): Promise<EmailRecord> {
  return eventually(
    async () => {
      const record = await emails.findByEventId(eventId);
      return record?.status === 'sent' ? record : undefined;
    },
    timeoutMs,
    `the sent record of ${eventId}`,
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An embedded MongoDB that can really go away: `stop()` closes every connection and the listener
 * (clients get network and server-selection errors), `restart()` serves the same data on the same
 * port again (kept in a file in between).
 */
export class RestartableMongo {
  private constructor(
    private server: MongoWireServer,
    private readonly directory: string,
  ) {}

  static async start(): Promise<RestartableMongo> {
    const directory = await mkdtemp(join(tmpdir(), 'email-mongo-'));
    const server = await MongoWireServer.start({
      persistFile: join(directory, 'data.json'),
      persistDebounceMs: 20,
    });
    return new RestartableMongo(server, directory);
  }

  /** Connection string of `database` on this server. */
  url(database: string): string {
    return `${this.server.url}${database}`;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  async restart(): Promise<void> {
    this.server = await MongoWireServer.start({
      port: this.server.port,
      persistFile: join(this.directory, 'data.json'),
      persistDebounceMs: 20,
    });
  }

  async close(): Promise<void> {
    await this.server.stop();
    await rm(this.directory, { recursive: true, force: true });
  }
}

/** How many messages the sink received under each Message-ID. */
export function messagesPerMessageId(sink: SmtpSink): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of sink.messages) {
    if (message.messageId) counts.set(message.messageId, (counts.get(message.messageId) ?? 0) + 1);
  }
  return counts;
}

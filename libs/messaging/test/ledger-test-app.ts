import {
  createEnvelope,
  deadLetterTopicOf,
  defineEvent,
  defineRequest,
  EventEnvelope,
} from '@coursehub/contracts';
import { FeatureTransactions, InjectFeatureTransactions, sqlMigration } from '@coursehub/core';
import {
  createTemporaryDatabase,
  eventually,
  KafkaMockCluster,
  TemporaryDatabase,
  TestTokenIssuer,
} from '@coursehub/testing';
import { Body, Controller, Logger, Post } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { IsString } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { z } from 'zod';
import { DataSource } from 'typeorm';
import {
  AnswerRequest,
  ConsumeEvent,
  createRootModule,
  DeadLetter,
  defineFeature,
  FeatureModule,
  MessageBus,
  Outbox,
  PermanentEventError,
  ProcessedEvents,
  startApp,
  TransportKind,
} from '../src';
import { DeadLetterTable } from '../src/consumer/dead-letters';

export { eventually };

/** A tiny feature used to prove the messaging library: notes are written, published and applied. */
export const noteAdded = defineEvent(
  'test.note.added',
  1,
  z.object({ noteId: z.uuid(), text: z.string().min(1) }),
);

/** A fresh `test.note.added` envelope, as another service would publish it. */
export const newNote = (text: string, producer = 'test') =>
  createEnvelope(noteAdded, { noteId: randomUUID(), text }, { producer });
export const echo = defineRequest(
  'test.echo',
  1,
  z.object({ text: z.string() }),
  z.object({ text: z.string() }),
);
export const nobodyHome = defineRequest('test.nobody-home', 1, z.object({}), z.object({}));

@Entity({ name: 'applied_notes' })
export class AppliedNote {
  @PrimaryColumn('uuid') eventId!: string;
  @Column('text') text!: string;
}

const CreateAppliedNotes1763700000001 = sqlMigration('CreateAppliedNotes1763700000001', {
  up: ['CREATE TABLE applied_notes ("eventId" uuid PRIMARY KEY, text text NOT NULL)'],
  down: ['DROP TABLE applied_notes'],
});

class AddNoteDto {
  @IsString() text!: string;
}

/** Dead letters seen on the Kafka `.dlq` topic (replay markers left out). */
export const deadLetters: unknown[] = [];
export const handlerCalls: string[] = [];
/** `fixed`: the handler was "repaired" and now applies the poison notes too. */
export const ledgerHandler = { fixed: false, databaseAway: false };

/** What pg throws while the server refuses connections: a transient failure. */
function connectionRefused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
}

@Controller('notes')
class NotesController {
  constructor(
    @InjectFeatureTransactions('ledger') private readonly transactions: FeatureTransactions,
    private readonly outbox: Outbox,
  ) {}

  @Post()
  async add(@Body() body: AddNoteDto): Promise<{ noteId: string }> {
    const noteId = randomUUID();
    await this.transactions.withTransaction(() =>
      this.outbox.add(noteAdded, { noteId, text: body.text }, { key: noteId }),
    );
    return { noteId };
  }
}

@Controller()
class NoteHandlers {
  private readonly logger = new Logger('NoteHandlers');

  constructor(
    @InjectFeatureTransactions('ledger') private readonly transactions: FeatureTransactions,
    private readonly processedEvents: ProcessedEvents,
  ) {}

  @ConsumeEvent(noteAdded)
  async apply(@Payload() envelope: EventEnvelope<z.infer<typeof noteAdded.schema>>): Promise<void> {
    handlerCalls.push(envelope.data.text);
    if (ledgerHandler.databaseAway) throw connectionRefused();
    if (!ledgerHandler.fixed && envelope.data.text.startsWith('permanent'))
      throw new PermanentEventError(`refusing ${envelope.data.text}`);
    if (!ledgerHandler.fixed && envelope.data.text.startsWith('poison'))
      throw new Error(`cannot apply ${envelope.data.text}`);
    await this.processedEvents.runOnce('ledger', envelope, async () => {
      await this.transactions.tx.insert(AppliedNote, { eventId: envelope.id, text: envelope.data.text });
    });
    this.logger.log({ noteId: envelope.data.noteId }, 'note applied');
  }

  @AnswerRequest(echo)
  answer(@Payload() request: { text: string }): { text: string } {
    return { text: request.text.toUpperCase() };
  }

  @EventPattern(deadLetterTopicOf(noteAdded.topic))
  captureDeadLetter(@Payload() message: unknown): void {
    if (message && typeof message === 'object' && 'replayOf' in message) return;
    deadLetters.push(message);
  }
}

/** A feature of its own, declared like the product features. */
class LedgerModule {
  static register(): FeatureModule {
    return defineFeature(LedgerModule, {
      name: 'ledger',
      database: { entities: [AppliedNote], migrations: [CreateAppliedNotes1763700000001] },
      requestTopics: [echo.topic, nobodyHome.topic],
      consumesMessages: true,
      controllers: [NotesController, NoteHandlers],
    });
  }
}

export async function startLedgerApp(
  transport: TransportKind,
  env: Record<string, string>,
  options: { title?: string } = {},
): Promise<{ app: NestFastifyApplication; url: string }> {
  const root = createRootModule({
    service: 'ledger',
    transport,
    features: [LedgerModule.register()],
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      JWT_PUBLIC_KEY: new TestTokenIssuer().publicKeyPem,
      OUTBOX_POLL_MS: '50',
      MESSAGING_RETRY_BASE_MS: '20',
      MESSAGING_MAX_ATTEMPTS: '3',
      ...env,
    },
  });
  return startApp(root, { title: options.title ?? 'ledger', listenOn: { port: 0, host: '127.0.0.1' } });
}

/**
 * The ledger app on a fresh database and, on Kafka, its own one-broker mock cluster: what both
 * transport suites stand up. `start` once; `restartApp` after closing `app` keeps database and broker.
 */
export class LedgerDeployment {
  database!: TemporaryDatabase;
  cluster?: KafkaMockCluster;
  app!: NestFastifyApplication;
  url!: string;
  dataSource!: DataSource;
  bus!: MessageBus;
  env: Record<string, string> = {};

  constructor(
    private readonly transport: TransportKind,
    private readonly name: string,
  ) {}

  /** `env` for every transport, `kafkaEnv` on Kafka only (both win over the defaults here). */
  async start(env: Record<string, string>, kafkaEnv: Record<string, string> = {}): Promise<void> {
    this.database = await createTemporaryDatabase(`${this.name}_test`);
    this.env = { DATABASE_URL: this.database.url, ...env };
    if (this.transport === 'kafka') {
      this.cluster = await KafkaMockCluster.start({ brokers: 1 });
      Object.assign(this.env, {
        KAFKA_BROKERS: this.cluster.bootstrapServers.join(','),
        KAFKA_MAX_WAIT_MS: '50',
        KAFKA_IDEMPOTENT_PRODUCER: 'false',
        KAFKA_GROUP_ID: `${this.name}-${Date.now()}`,
        ...kafkaEnv,
      });
    }
    await this.restartApp();
  }

  async restartApp(): Promise<void> {
    ({ app: this.app, url: this.url } = await startLedgerApp(this.transport, this.env));
    this.dataSource = this.app.get(getDataSourceToken('ledger'));
    this.bus = this.app.get(MessageBus);
  }

  async stop(): Promise<void> {
    await this.app?.close();
    await this.cluster?.stop();
    await this.database?.drop();
  }

  /** The dead letters of the ledger: its `dead_letters` table in-process, the `.dlq` topic on Kafka. */
  async deadLetters(): Promise<DeadLetter[]> {
    if (this.transport === 'kafka') return [...deadLetters] as DeadLetter[];
    return new DeadLetterTable((sql, parameters) => this.dataSource.query(sql, parameters)).list();
  }

  /** Forgets the dead letters and handler calls seen so far (before each test). */
  forgetCalls(): void {
    deadLetters.length = 0;
    handlerCalls.length = 0;
  }
}

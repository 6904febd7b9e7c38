import { deadLetterTopicOf, defineEvent, defineRequest, EventEnvelope } from '@coursehub/contracts';
import {
  CoreModule,
  coreEnvSchema,
  createHttpApp,
  DatabaseConnectionsModule,
  databaseEnvSchema,
  FeatureDatabaseModule,
  jwtVerifierEnvSchema,
} from '@coursehub/core';
import { TestTokenIssuer, eventually } from '@coursehub/testing';
import { Body, Controller, Logger, Module, Post } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsString } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { Column, DataSource, Entity, MigrationInterface, PrimaryColumn, QueryRunner } from 'typeorm';
import { z } from 'zod';
import {
  AnswerRequest,
  connectMessaging,
  ConsumeEvent,
  kafkaEnvSchema,
  messagingEntities,
  messagingMigrations,
  MessagingModule,
  Outbox,
  OutboxRelayModule,
  runOnce,
  TransportKind,
} from '../src';

export { eventually };

/** A tiny feature used to prove the messaging library: notes are written, published and applied. */
export const noteAdded = defineEvent(
  'test.note.added',
  1,
  z.object({ noteId: z.uuid(), text: z.string().min(1) }),
);
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

class CreateAppliedNotes1763700000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE applied_notes ("eventId" uuid PRIMARY KEY, text text NOT NULL)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE applied_notes');
  }
}

class AddNoteDto {
  @IsString() text!: string;
}

export const deadLetters: unknown[] = [];
export const handlerCalls: string[] = [];

@Controller('notes')
class NotesController {
  constructor(
    @InjectDataSource('ledger') private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  @Post()
  async add(@Body() body: AddNoteDto): Promise<{ noteId: string }> {
    const noteId = randomUUID();
    await this.dataSource.transaction((manager) =>
      this.outbox.add(manager, noteAdded, { noteId, text: body.text }, { key: noteId }),
    );
    return { noteId };
  }
}

@Controller()
class NoteHandlers {
  private readonly logger = new Logger('NoteHandlers');

  constructor(@InjectDataSource('ledger') private readonly dataSource: DataSource) {}

  @ConsumeEvent(noteAdded)
  async apply(@Payload() envelope: EventEnvelope<z.infer<typeof noteAdded.schema>>): Promise<void> {
    handlerCalls.push(envelope.data.text);
    if (envelope.data.text.startsWith('poison')) throw new Error(`cannot apply ${envelope.data.text}`);
    await runOnce(this.dataSource, 'ledger', envelope, async (manager) => {
      await manager.insert(AppliedNote, { eventId: envelope.id, text: envelope.data.text });
    });
    this.logger.log({ noteId: envelope.data.noteId }, 'note applied');
  }

  @AnswerRequest(echo)
  answer(@Payload() request: { text: string }): { text: string } {
    return { text: request.text.toUpperCase() };
  }

  @EventPattern(deadLetterTopicOf(noteAdded.topic))
  captureDeadLetter(@Payload() message: unknown): void {
    deadLetters.push(message);
  }
}

export function ledgerModule(transport: TransportKind) {
  @Module({
    imports: [
      CoreModule.forRoot({
        envSchema: coreEnvSchema
          .extend(databaseEnvSchema.shape)
          .extend(jwtVerifierEnvSchema.shape)
          .extend(kafkaEnvSchema.shape),
      }),
      DatabaseConnectionsModule.fromEnv(),
      MessagingModule.forRoot({
        serviceName: 'ledger',
        transport,
        requestTopics: [echo.topic, nobodyHome.topic],
      }),
      FeatureDatabaseModule.register({
        name: 'ledger',
        entities: [AppliedNote, ...messagingEntities],
        migrations: [...messagingMigrations, CreateAppliedNotes1763700000001],
      }),
      OutboxRelayModule.forDataSource('ledger'),
    ],
    controllers: [NotesController, NoteHandlers],
  })
  class LedgerTestModule {}
  return LedgerTestModule;
}

export async function startLedgerApp(
  transport: TransportKind,
  env: Record<string, string>,
): Promise<{ app: NestFastifyApplication; url: string }> {
  Object.assign(process.env, {
    LOG_LEVEL: 'info',
    JWT_PUBLIC_KEY: new TestTokenIssuer().publicKeyPem,
    OUTBOX_POLL_MS: '50',
    MESSAGING_RETRY_BASE_MS: '20',
    MESSAGING_MAX_ATTEMPTS: '3',
    ...env,
  });
  const app = await createHttpApp(ledgerModule(transport), { title: 'ledger' });
  connectMessaging(app);
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

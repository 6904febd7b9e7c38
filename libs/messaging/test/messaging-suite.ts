import { createEnvelope, EventEnvelope } from '@coursehub/contracts';
import { createTemporaryDatabase, KafkaMockCluster, TemporaryDatabase } from '@coursehub/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { MessageBus, RequestTimeoutError, TransportKind } from '../src';
import {
  deadLetters,
  echo,
  eventually,
  handlerCalls,
  ledgerDeadLetters,
  noteAdded,
  nobodyHome,
  startLedgerApp,
} from './ledger-test-app';

export function describeMessagingSuite(transport: TransportKind): void {
  describe(`messaging over the ${transport} transport`, () => {
    let database: TemporaryDatabase;
    let cluster: KafkaMockCluster | undefined;
    let app: NestFastifyApplication;
    let url: string;
    let dataSource: DataSource;
    let bus: MessageBus;
    // nestjs-pino keeps one root logger per process: one transport per test file.
    const logFile = join(tmpdir(), `coursehub-messaging-${transport}-${process.pid}.log`);

    const appliedCount = async () =>
      Number((await dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM applied_notes'))[0].n);
    const addNote = (text: string, requestId?: string) =>
      fetch(`${url}/notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(requestId ? { 'x-request-id': requestId } : {}) },
        body: JSON.stringify({ text }),
      });

    beforeAll(async () => {
      database = await createTemporaryDatabase('messaging_test');
      const env: Record<string, string> = { DATABASE_URL: database.url, LOG_FILE: logFile };
      if (transport === 'kafka') {
        cluster = await KafkaMockCluster.start({ brokers: 1 });
        Object.assign(env, {
          KAFKA_BROKERS: cluster.bootstrapServers.join(','),
          KAFKA_MAX_WAIT_MS: '50',
          KAFKA_IDEMPOTENT_PRODUCER: 'false',
          KAFKA_GROUP_ID: `ledger-${Date.now()}`,
        });
      }
      ({ app, url } = await startLedgerApp(transport, env));
      dataSource = app.get(getDataSourceToken('ledger'));
      bus = app.get(MessageBus);
    }, 60_000);

    afterAll(async () => {
      await app?.close();
      await cluster?.stop();
      await database?.drop();
      rmSync(logFile, { force: true });
    });

    const deadLetterList = () => ledgerDeadLetters(transport, dataSource);

    beforeEach(async () => {
      deadLetters.length = 0;
      handlerCalls.length = 0;
      if (transport === 'in-process') await dataSource.query('DELETE FROM dead_letters');
    });

    it('delivers an event written to the outbox to its handler, with the request id in the consumer log', async () => {
      const before = await appliedCount();
      const response = await addNote('hello', `corr-${transport}`);
      expect(response.status).toBe(201);
      expect(await eventually(appliedCount, (n) => n === before + 1)).toBe(before + 1);
      const records = await eventually(
        () =>
          readFileSync(logFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as Record<string, unknown>),
        (lines) =>
          lines.some((line) => line.msg === 'note applied' && line.requestId === `corr-${transport}`),
      );
      const applied = records.filter((record) => record.msg === 'note applied');
      expect(applied.map((record) => record.requestId)).toContain(`corr-${transport}`);
    });

    it('answers request/reply and times out when nobody answers', async () => {
      await expect(bus.request(echo, { text: 'ping' }, { timeoutMs: 10_000 })).resolves.toEqual({
        text: 'PING',
      });
      await expect(bus.request(nobodyHome, {}, { timeoutMs: 500 })).rejects.toBeInstanceOf(
        RequestTimeoutError,
      );
    });

    it('applies a redelivered event only once', async () => {
      const before = await appliedCount();
      const envelope = createEnvelope(
        noteAdded,
        { noteId: crypto.randomUUID(), text: 'twice' },
        { producer: 'test' },
      );
      for (let delivery = 0; delivery < 3; delivery++)
        await bus.publish({ topic: noteAdded.topic, key: envelope.id, value: envelope });
      await eventually(
        () => handlerCalls.filter((text) => text === 'twice').length,
        (calls) => calls === 3,
      );
      expect(await appliedCount()).toBe(before + 1);
    });

    it('dead-letters a poison message after the retries and goes on with the next one', async () => {
      const before = await appliedCount();
      const poison = createEnvelope(
        noteAdded,
        { noteId: crypto.randomUUID(), text: 'poison pill' },
        { producer: 'test' },
      );
      const next = createEnvelope(
        noteAdded,
        { noteId: crypto.randomUUID(), text: 'after poison' },
        { producer: 'test' },
      );
      await bus.publish({ topic: noteAdded.topic, key: 'same-key', value: poison });
      await bus.publish({ topic: noteAdded.topic, key: 'same-key', value: next });
      const [deadLetter] = await eventually(deadLetterList, (list) => list.length === 1);
      expect(await eventually(appliedCount, (n) => n === before + 1)).toBe(before + 1);
      expect(handlerCalls.filter((text) => text === 'poison pill')).toHaveLength(3);
      expect(deadLetter).toMatchObject({
        topic: noteAdded.topic,
        reason: 'failed',
        error: 'cannot apply poison pill',
        message: { id: poison.id },
      });
    });

    it('dead-letters an envelope that fails validation without calling the handler', async () => {
      const invalid: Partial<EventEnvelope> = {
        id: 'not-a-uuid',
        type: noteAdded.type,
        version: 1,
        data: { text: 42 },
      };
      await bus.publish({ topic: noteAdded.topic, key: null, value: invalid });
      const [deadLetter] = await eventually(deadLetterList, (list) => list.length === 1);
      expect(deadLetter).toMatchObject({ reason: 'invalid', message: invalid });
      expect(handlerCalls).toHaveLength(0);
    });

    it('counts processed, retried and dead-lettered messages and the outbox backlog on /metrics', async () => {
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(
        /coursehub_messaging_events_processed_total\{topic="coursehub.test.note.added.v1"\} \d+/,
      );
      expect(metrics).toMatch(
        /coursehub_messaging_events_retried_total\{topic="coursehub.test.note.added.v1"\} \d+/,
      );
      expect(metrics).toMatch(
        /coursehub_messaging_events_dead_lettered_total\{topic="coursehub.test.note.added.v1",reason="failed"\} \d+/,
      );
      expect(metrics).toMatch(/coursehub_outbox_backlog\{data_source="ledger"\} 0/);
      expect(metrics).toMatch(/coursehub_outbox_oldest_unsent_age_seconds\{data_source="ledger"\} 0/);
      // One observation per handler attempt: successes and the failures that were retried.
      for (const outcome of ['success', 'failure']) {
        expect(metrics).toMatch(
          new RegExp(
            `coursehub_messaging_handler_duration_seconds_count\\{topic="coursehub.test.note.added.v1",consumer_group="[^"]+",outcome="${outcome}"\\} [1-9]`,
          ),
        );
      }
    });

    if (transport === 'kafka') {
      it('keeps accepting writes while the brokers are down and delivers all of them after', async () => {
        const before = await appliedCount();
        await cluster!.allBrokersDown();
        const responses = await Promise.all(
          Array.from({ length: 200 }, (_, index) => addNote(`outage ${index}`)),
        );
        expect(responses.map((response) => response.status)).toEqual(Array(200).fill(201));
        // Kafka is a dependency the service works around: still ready, reported on /health/dependencies.
        expect((await fetch(`${url}/health/dependencies`)).status).toBe(503);
        expect((await fetch(`${url}/health/ready`)).status).toBe(200);
        await cluster!.allBrokersUp();
        expect(await eventually(appliedCount, (n) => n >= before + 200, 90_000)).toBe(before + 200);
        const [{ backlog }] = await dataSource.query<{ backlog: number }[]>(
          'SELECT count(*)::int AS backlog FROM outbox_messages WHERE sent_at IS NULL',
        );
        expect(backlog).toBe(0);
      }, 120_000);
    }
  });
}

import { EventEnvelope } from '@coursehub/contracts';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestTimeoutError, TransportKind } from '../src';
import { eventually } from '@coursehub/testing';
import { echo, handlerCalls, LedgerDeployment, newNote, nobodyHome, noteAdded } from './ledger-test-app';

export function describeMessagingSuite(transport: TransportKind): void {
  describe(`messaging over the ${transport} transport`, () => {
    const ledger = new LedgerDeployment(transport, 'messaging');
    // nestjs-pino keeps one root logger per process: one transport per test file.
    const logFile = join(tmpdir(), `coursehub-messaging-${transport}-${process.pid}.log`);

    const appliedCount = async () =>
      Number(
        (await ledger.dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM applied_notes'))[0].n,
      );
    const addNote = (text: string, requestId?: string) =>
      fetch(`${ledger.url}/notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(requestId ? { 'x-request-id': requestId } : {}) },
        body: JSON.stringify({ text }),
      });

    beforeAll(async () => {
      await ledger.start({ LOG_FILE: logFile });
    }, 60_000);

    afterAll(async () => {
      await ledger.stop();
      rmSync(logFile, { force: true });
    });

    const deadLetterList = () => ledger.deadLetters();

    beforeEach(async () => {
      ledger.forgetCalls();
      if (transport === 'in-process') await ledger.dataSource.query('DELETE FROM dead_letters');
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
      await expect(ledger.bus.request(echo, { text: 'ping' }, { timeoutMs: 10_000 })).resolves.toEqual({
        text: 'PING',
      });
      await expect(ledger.bus.request(nobodyHome, {}, { timeoutMs: 500 })).rejects.toBeInstanceOf(
        RequestTimeoutError,
      );
    });

    it('applies a redelivered event only once', async () => {
      const before = await appliedCount();
      const envelope = newNote('twice');
      for (let delivery = 0; delivery < 3; delivery++)
        await ledger.bus.publish({ topic: noteAdded.topic, key: envelope.id, value: envelope });
      await eventually(
        () => handlerCalls.filter((text) => text === 'twice').length,
        (calls) => calls === 3,
      );
      expect(await appliedCount()).toBe(before + 1);
    });

    it('dead-letters a poison message after the retries and goes on with the next one', async () => {
      const before = await appliedCount();
      const poison = newNote('poison pill');
      const next = newNote('after poison');
      await ledger.bus.publish({ topic: noteAdded.topic, key: 'same-key', value: poison });
      await ledger.bus.publish({ topic: noteAdded.topic, key: 'same-key', value: next });
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
      await ledger.bus.publish({ topic: noteAdded.topic, key: null, value: invalid });
      const [deadLetter] = await eventually(deadLetterList, (list) => list.length === 1);
      expect(deadLetter).toMatchObject({ reason: 'invalid', message: invalid });
      expect(handlerCalls).toHaveLength(0);
    });

    it('counts processed, retried and dead-lettered messages and the outbox backlog on /metrics', async () => {
      const metrics = await (await fetch(`${ledger.url}/metrics`)).text();
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
        await ledger.cluster!.allBrokersDown();
        const responses = await Promise.all(
          Array.from({ length: 200 }, (_, index) => addNote(`outage ${index}`)),
        );
        expect(responses.map((response) => response.status)).toEqual(Array(200).fill(201));
        // Kafka is a dependency the service works around: still ready, reported on /health/dependencies.
        expect((await fetch(`${ledger.url}/health/dependencies`)).status).toBe(503);
        expect((await fetch(`${ledger.url}/health/ready`)).status).toBe(200);
        await ledger.cluster!.allBrokersUp();
        expect(await eventually(appliedCount, (n) => n >= before + 200, 90_000)).toBe(before + 200);
        const [{ backlog }] = await ledger.dataSource.query<{ backlog: number }[]>(
          'SELECT count(*)::int AS backlog FROM outbox_messages WHERE sent_at IS NULL',
        );
        expect(backlog).toBe(0);
      }, 120_000);
    }
  });
}

import { EventEnvelope } from '@coursehub/contracts';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DeadLetter, TransportKind } from '../src';
import { eventually } from '@coursehub/testing';
import { handlerCalls, ledgerHandler, LedgerDeployment, newNote, noteAdded } from './ledger-test-app';
import { dlq, report, takeDatabaseDown } from './support';

/** Outage lengths: short by default, longer with MESSAGING_TEST_OUTAGE_MS. */
const OUTAGE_MS = Number(process.env.MESSAGING_TEST_OUTAGE_MS ?? 4_000);
/** On Kafka the database outage outlasts the session timeout (6 s): only heartbeats keep the member. */
const KAFKA_SESSION_TIMEOUT_MS = 6_000;

/**
 * "Nothing lost, nothing stuck" at the messaging level, on one transport: poison messages, a
 * database outage of the consumer, outbox parking and replay, with the real database and broker.
 */
export function describeGuaranteesSuite(transport: TransportKind): void {
  describe(`delivery guarantees over the ${transport} transport`, () => {
    const ledger = new LedgerDeployment(transport, 'guarantees');
    const groupJoins: number[] = [];
    const logFile = join(tmpdir(), `coursehub-guarantees-${transport}-${process.pid}.log`);

    const applied = async (texts: string[]) =>
      Number(
        (
          await ledger.dataSource.query<{ n: number }[]>(
            'SELECT count(*)::int AS n FROM applied_notes WHERE text = ANY($1)',
            [texts],
          )
        )[0].n,
      );
    const deadLetterList = () => ledger.deadLetters();
    /** Waits until every one of `texts` is applied, then expects exactly that many rows. */
    const expectAllApplied = async (texts: string[], timeoutMs?: number) =>
      expect(
        await eventually(
          () => applied(texts),
          (n) => n === texts.length,
          timeoutMs,
        ),
      ).toBe(texts.length);
    const guaranteesNote = (text: string) => newNote(text, 'guarantees-test');
    const publish = (envelope: EventEnvelope, key = envelope.id) =>
      ledger.bus.publish({ topic: noteAdded.topic, key, value: envelope });
    /** The dlq command as an operator runs it against this deployment. */
    const dlqEnv = () =>
      transport === 'kafka'
        ? { KAFKA_BROKERS: ledger.env.KAFKA_BROKERS, KAFKA_IDEMPOTENT_PRODUCER: 'false' }
        : { DATABASE_URL: ledger.database.url };

    beforeAll(async () => {
      await ledger.start(
        {
          LOG_FILE: logFile,
          LOG_LEVEL: 'warn',
          MESSAGING_RETRY_BASE_MS: '50',
          MESSAGING_RETRY_MAX_MS: '500',
          OUTBOX_RETRY_MAX_MS: '500',
          OUTBOX_MAX_PUBLISH_ATTEMPTS: '3',
          DATABASE_TIMEOUT_MS: '1000',
        },
        { KAFKA_SESSION_TIMEOUT_MS: String(KAFKA_SESSION_TIMEOUT_MS) },
      );
      if (transport === 'kafka') {
        const [, consumer] = ledger.app.getMicroservices()[0].unwrap<[Kafka, Consumer, Producer]>();
        consumer.on(consumer.events.GROUP_JOIN, () => groupJoins.push(Date.now()));
        // Wait until the consumer has its partitions (the first publish below must reach it).
        const probe = guaranteesNote('warm-up');
        await publish(probe);
        await eventually(
          () => applied(['warm-up']),
          (n) => n === 1,
          30_000,
        );
      }
    }, 60_000);

    afterAll(async () => {
      ledgerHandler.fixed = false;
      ledgerHandler.databaseAway = false;
      await ledger.stop();
      rmSync(logFile, { force: true });
    });

    beforeEach(() => ledger.forgetCalls());

    it('dead-letters a poison message at once, lets the later ones of its key flow, and a replay after the fix applies it once', async () => {
      const started = Date.now();
      const key = randomUUID();
      const poison = guaranteesNote('permanent refusal');
      const later = Array.from({ length: 20 }, (_, index) => guaranteesNote(`after permanent ${index}`));
      await publish(poison, key);
      for (const note of later) await publish(note, key);
      const laterTexts = later.map((note) => note.data.text);
      await expectAllApplied(laterTexts);
      const [deadLetter] = await eventually(deadLetterList, (list) => list.length === 1);
      expect(deadLetter).toMatchObject({
        topic: noteAdded.topic,
        reason: 'permanent',
        message: { id: poison.id },
      });
      // At once: one call, no retry.
      expect(handlerCalls.filter((text) => text === 'permanent refusal')).toHaveLength(1);

      const listed = await dlq(['list', '--json', '--topic', noteAdded.topic], dlqEnv());
      expect(listed.code).toBe(0);
      const entries = JSON.parse(listed.out) as DeadLetter[];
      expect(entries.map((entry) => entry.id)).toContain(deadLetter.id);
      expect(entries.find((entry) => entry.id === deadLetter.id)).toMatchObject({
        reason: 'permanent',
        error: 'refusing permanent refusal',
        replayedAt: null,
      });

      // The handler is fixed; the operator replays the dead letter (twice, by mistake).
      ledgerHandler.fixed = true;
      try {
        expect((await dlq(['replay', deadLetter.id], dlqEnv())).code).toBe(0);
        expect(
          await eventually(
            () => applied(['permanent refusal']),
            (n) => n === 1,
          ),
        ).toBe(1);
        expect((await dlq(['replay', deadLetter.id], dlqEnv())).code).toBe(0);
        await eventually(
          () => handlerCalls.filter((text) => text === 'permanent refusal').length,
          (calls) => calls === 3,
        );
      } finally {
        ledgerHandler.fixed = false;
      }
      expect(await applied(['permanent refusal'])).toBe(1);
      const relisted = JSON.parse((await dlq(['list', '--json'], dlqEnv())).out) as DeadLetter[];
      expect(relisted.find((entry) => entry.id === deadLetter.id)?.replayedAt).toEqual(expect.any(String));
      expect((await dlq(['replay', '--all'], dlqEnv())).out).toMatch(/^0 dead letter/);
      report(`${transport} poison`, {
        later: later.length,
        laterApplied: await applied(laterTexts),
        deadLetters: (await deadLetterList()).length,
        poisonApplied: await applied(['permanent refusal']),
        ms: Date.now() - started,
      });
    }, 90_000);

    it('holds events while the consumer database is away and applies each exactly once after, none dead-lettered', async () => {
      const started = Date.now();
      const count = 40;
      const notes = Array.from({ length: count }, (_, index) => guaranteesNote(`outage ${index}`));
      const texts = notes.map((note) => note.data.text);
      const joinsBefore = groupJoins.length;
      const deadLettersBefore = (await deadLetterList()).length;
      const outageMs =
        transport === 'kafka' ? Math.max(OUTAGE_MS, KAFKA_SESSION_TIMEOUT_MS + 2_000) : OUTAGE_MS;
      const restore = await takeDatabaseDown(ledger.database.url);
      // In-process a publish resolves once the handlers are done: start them all, await after.
      const publishing = Promise.all(notes.map((note) => publish(note)));
      try {
        await new Promise((resolve) => setTimeout(resolve, outageMs));
        // Nothing applied, nothing given up meanwhile: the first event is being retried.
        expect(handlerCalls.length).toBeGreaterThan(1);
      } finally {
        await restore();
      }
      await publishing;
      await expectAllApplied(texts, 60_000);
      expect(await deadLetterList()).toHaveLength(deadLettersBefore);
      // Retried meanwhile (the events waiting behind the first one are not called before it succeeds).
      const calls = handlerCalls.filter((text) => texts.includes(text)).length;
      expect(calls).toBeGreaterThan(count);
      const retried = Math.max(...texts.map((text) => handlerCalls.filter((call) => call === text).length));
      if (transport === 'kafka') expect(groupJoins.length).toBe(joinsBefore); // heartbeats kept the member
      report(`${transport} database outage`, {
        events: count,
        applied: await applied(texts),
        newDeadLetters: (await deadLetterList()).length - deadLettersBefore,
        handlerCalls: calls,
        mostAttempts: retried,
        outageMs,
        rejoins: groupJoins.length - joinsBefore,
        ms: Date.now() - started,
      });
    }, 120_000);

    if (transport === 'in-process') {
      it('keeps events the handlers did not finish when the app stops, and delivers them at the next start', async () => {
        const started = Date.now();
        const texts = Array.from({ length: 5 }, (_, index) => `across restart ${index}`);
        ledgerHandler.databaseAway = true;
        let closeMs: number;
        try {
          for (const text of texts) {
            const response = await fetch(`${ledger.url}/notes`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ text }),
            });
            expect(response.status).toBe(201);
          }
          await eventually(
            () => handlerCalls.filter((text) => text === texts[0]).length,
            (calls) => calls >= 2,
          );
          const closing = Date.now();
          await ledger.app.close();
          closeMs = Date.now() - closing;
        } finally {
          ledgerHandler.databaseAway = false;
        }
        const check = new DataSource({ type: 'postgres', url: ledger.database.url });
        await check.initialize();
        try {
          const [{ unsent }] = await check.query<{ unsent: number }[]>(
            "SELECT count(*)::int AS unsent FROM outbox_messages WHERE sent_at IS NULL AND envelope->'data'->>'text' = ANY($1)",
            [texts],
          );
          expect(unsent).toBe(texts.length);
        } finally {
          await check.destroy();
        }
        await ledger.restartApp();
        await expectAllApplied(texts);
        // The relay marks an event sent once its handlers returned: just after the last effect.
        await eventually(
          async () => {
            const [{ unsent }] = await ledger.dataSource.query<{ unsent: number }[]>(
              'SELECT count(*)::int AS unsent FROM outbox_messages WHERE sent_at IS NULL',
            );
            return unsent;
          },
          (unsent) => unsent === 0,
        );
        report('in-process restart', {
          events: texts.length,
          unsentAfterStop: texts.length,
          appliedAfterRestart: await applied(texts),
          closeMs,
          ms: Date.now() - started,
        });
      }, 60_000);
    }

    if (transport === 'kafka') {
      it('parks an outbox event that keeps failing to publish, lets the later ones out, and retries it on request', async () => {
        const started = Date.now();
        const refusedTopic = 'coursehub.test.refused.v1';
        await ledger.cluster!.setTopicError(refusedTopic, 'TOPIC_AUTHORIZATION_FAILED');
        const parkedId = randomUUID();
        const behind = Array.from({ length: 10 }, (_, index) => guaranteesNote(`behind parked ${index}`));
        await ledger.dataSource.transaction(async (manager) => {
          await manager.query(
            'INSERT INTO outbox_messages (id, topic, message_key, envelope) VALUES ($1, $2, $3, $4::jsonb)',
            [parkedId, refusedTopic, 'k', JSON.stringify({ id: parkedId, data: {} })],
          );
          for (const note of behind) {
            await manager.query(
              'INSERT INTO outbox_messages (id, topic, message_key, envelope) VALUES ($1, $2, $3, $4::jsonb)',
              [note.id, noteAdded.topic, 'k', JSON.stringify(note)],
            );
          }
        });
        const behindTexts = behind.map((note) => note.data.text);
        await expectAllApplied(behindTexts);
        const [row] = await ledger.dataSource.query<
          { attempts: number; parked_at: Date | null; last_error: string }[]
        >('SELECT attempts, parked_at, last_error FROM outbox_messages WHERE id = $1', [parkedId]);
        expect(row.attempts).toBe(3);
        expect(row.parked_at).not.toBeNull();
        const metrics = await (await fetch(`${ledger.url}/metrics`)).text();
        expect(metrics).toMatch(
          /coursehub_outbox_parked_total\{data_source="ledger",topic="coursehub.test.refused.v1"\} 1/,
        );
        expect(metrics).toMatch(/coursehub_outbox_parked\{data_source="ledger"\} 1/);

        const listed = await dlq(['outbox', 'list', '--json'], { DATABASE_URL: ledger.database.url });
        expect((JSON.parse(listed.out) as { id: string }[]).map((event) => event.id)).toEqual([parkedId]);
        await ledger.cluster!.setTopicError(refusedTopic, 0);
        expect((await dlq(['outbox', 'retry', '--all'], { DATABASE_URL: ledger.database.url })).out).toMatch(
          /^1 parked/,
        );
        const sent = await eventually(
          async () =>
            (
              await ledger.dataSource.query<{ sent: boolean }[]>(
                'SELECT sent_at IS NOT NULL AS sent FROM outbox_messages WHERE id = $1',
                [parkedId],
              )
            )[0].sent,
          (value) => value,
        );
        expect(sent).toBe(true);
        report('kafka outbox parking', {
          behind: behind.length,
          behindApplied: await applied(behindTexts),
          parkedAttempts: row.attempts,
          sentAfterRetry: String(sent),
          ms: Date.now() - started,
        });
      }, 60_000);
    }
  });
}

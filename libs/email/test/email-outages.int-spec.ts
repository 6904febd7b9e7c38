import { createEnvelope, userRegistered } from '@coursehub/contracts';
import { SmtpSink } from '@coursehub/embedded';
import { MessageBus } from '@coursehub/messaging';
import { TestTokenIssuer } from '@coursehub/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { EmailRecord } from '../src/data/email-record.schema';
import { EmailsService } from '../src/domain/emails.service';
import { eventually, messagesPerMessageId, RestartableMongo, sleep, startEmailApp } from './email-test-app';

/*
 * "Nothing lost, nothing stuck" for e-mail: the relay and MongoDB really go away (the SMTP sink
 * answers 4xx, then 535; the Mongo wire server is stopped and restarted on its port) while e-mails
 * are pending or events arrive. Afterwards every e-mail is sent exactly once (counted per Message-ID
 * at the sink) and none is `failed`. Outage lengths can be changed through the variables below.
 */
// The 30 s of a failing relay (4xx, then 535); shorter in a hurry.
const SMTP_OUTAGE_MS = Number(process.env.EMAIL_TEST_SMTP_OUTAGE_MS ?? 30_000);
const MONGO_OUTAGE_MS = Number(process.env.EMAIL_TEST_MONGO_OUTAGE_MS ?? 5_000);
const MONGO_BLIP_MS = Number(process.env.EMAIL_TEST_MONGO_BLIP_MS ?? 3_000);
const PENDING_EMAILS = 60;
const ARRIVING_EVENTS = 50;

describe('e-mail delivery through relay and MongoDB outages', () => {
  let mongo: RestartableMongo;
  let sink: SmtpSink;
  let smtpUrl: string;
  let env: Record<string, string>;
  let app: NestFastifyApplication;
  let baseUrl: string;
  let emails: EmailsService;

  beforeAll(async () => {
    [mongo, sink] = await Promise.all([RestartableMongo.start(), SmtpSink.start()]);
    // With credentials, so the relay can refuse them (535).
    smtpUrl = `smtp://mailer:secret@${sink.host}:${sink.port}`;
    env = {
      LOG_LEVEL: process.env.EMAIL_TEST_LOG_LEVEL ?? 'silent',
      JWT_PUBLIC_KEY: new TestTokenIssuer().publicKeyPem,
      EMAIL_POLL_INTERVAL_MS: '50',
      EMAIL_RELAY_RETRY_BASE_MS: '100',
      EMAIL_RELAY_RETRY_MAX_MS: '1000',
      // Far longer than any outage here: a sent e-mail is recorded by its worker, not re-sent.
      EMAIL_LEASE_MS: '20000',
      MONGO_SERVER_SELECTION_TIMEOUT_MS: '500',
      MESSAGING_RETRY_BASE_MS: '50',
      MESSAGING_RETRY_MAX_MS: '500',
    };
    ({ app, baseUrl } = await startEmailApp({ mongoUrl: mongo.url('email_outages'), smtpUrl }, env));
    emails = app.get(EmailsService);
  }, 30_000);

  afterAll(async () => {
    await app?.close();
    await Promise.all([sink?.stop(), mongo?.close()]);
  });

  const registered = (name: string) => {
    const userId = randomUUID();
    return createEnvelope(
      userRegistered,
      { userId, email: `${name}-${userId.slice(0, 8)}@example.com`, displayName: name },
      { producer: 'auth' },
    );
  };
  const messageIdOf = (eventId: string) => `<${eventId}.welcome@coursehub>`;
  /** The records of the events once every one is sent or failed. */
  const settledRecords = async (service: EmailsService, eventIds: string[], timeoutMs = 30_000) => {
    let last: (EmailRecord | null)[] = [];
    try {
      // The sink first (in memory): polling MongoDB hard would slow the server under test.
      await eventually(() => countsOf(eventIds).every((count) => count > 0), timeoutMs);
      return await eventually(async () => {
        last = await Promise.all(
          eventIds.map((eventId) => service.findByEventId(eventId)).map((p) => p.catch(() => null)),
        );
        return last.every((record) => record?.status === 'sent' || record?.status === 'failed')
          ? (last as EmailRecord[])
          : undefined;
      }, timeoutMs);
    } catch {
      const statuses = last.map((record) => record?.status ?? 'not recorded');
      const tally = [...new Set(statuses)].map(
        (status) => `${statuses.filter((s) => s === status).length} ${status}`,
      );
      throw new Error(`Not every e-mail was sent or failed in ${timeoutMs} ms: ${tally.join(', ')}`);
    }
  };
  const countsOf = (eventIds: string[]) => {
    const perMessageId = messagesPerMessageId(sink);
    return eventIds.map((eventId) => perMessageId.get(messageIdOf(eventId)) ?? 0);
  };
  /** Resolves once the app's worker has seen the relay fail (its dependency report says so). */
  const relayFailingFor = (url: string) =>
    eventually(
      async () => (await fetch(`${url}/health/dependencies`)).status === 503,
      10_000,
      'the relay to be seen failing',
    );
  const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

  it(
    'sends every pending e-mail exactly once after the relay answered 4xx, then 535, for a while',
    async () => {
      const started = Date.now();
      sink.failNext(Infinity, 451, '4.3.0 Temporary local problem', 'data');
      const events = Array.from({ length: PENDING_EMAILS }, (_, index) => registered(`relay-${index}`));
      await Promise.all(events.map((event) => emails.handleUserRegistered(event)));
      await sleep(SMTP_OUTAGE_MS / 2);
      sink.failNext(Infinity, 535, '5.7.8 Authentication credentials invalid', 'auth');
      await sleep(SMTP_OUTAGE_MS / 4);

      // The relay being down takes no replica out of the load balancer; it shows as a dependency.
      expect((await fetch(`${baseUrl}/health/ready`)).status).toBe(200);
      const dependencies = await fetch(`${baseUrl}/health/dependencies`);
      expect(dependencies.status).toBe(503);
      expect(JSON.stringify(await dependencies.json())).toContain('535');
      const during = await Promise.all(events.map((event) => emails.findByEventId(event.id)));
      expect(during.filter((record) => record?.status === 'failed')).toHaveLength(0);

      await sleep(SMTP_OUTAGE_MS / 4);
      sink.failNext(0);
      const recovered = Date.now();
      const records = await settledRecords(
        emails,
        events.map((event) => event.id),
      );
      await sleep(300); // several worker polls: nothing is sent again
      const counts = countsOf(events.map((event) => event.id));
      const attempts = records.reduce((sum, record) => sum + record.attempts, 0);
      console.log(
        `smtp outage (${SMTP_OUTAGE_MS / 1000} s: 4xx then 535): ${events.length} e-mails, ` +
          `${counts.filter((count) => count === 1).length} sent once, ${counts.filter((count) => count > 1).length} twice or more, ` +
          `${records.filter((record) => record.status === 'failed').length} failed, ` +
          `${attempts - events.length} extra SMTP attempts in all, all sent ${seconds(recovered)} s after recovery, ` +
          `${seconds(started)} s`,
      );
      expect(counts).toEqual(events.map(() => 1));
      expect(records.every((record) => record.status === 'sent' && record.recipientDeferrals === 0)).toBe(
        true,
      );
      // The worker backed off as a whole: far fewer failed attempts than e-mails times probes.
      expect(attempts - events.length).toBeLessThan(events.length);
      expect((await fetch(`${baseUrl}/health/dependencies`)).status).toBe(200);
    },
    SMTP_OUTAGE_MS + 60_000,
  );

  it('records each e-mail sent exactly once when MongoDB goes away right after the relay accepted it', async () => {
    const started = Date.now();
    // Hold the relay while recording, so the sends start together once it is released.
    sink.failNext(Infinity, 451, '4.3.0 Hold on', 'data');
    const events = Array.from({ length: 20 }, (_, index) => registered(`blip-${index}`));
    await Promise.all(events.map((event) => emails.handleUserRegistered(event)));
    await relayFailingFor(baseUrl);
    // Stop MongoDB the moment the relay takes the 6th e-mail, before its 250 reply leaves the
    // sink: that one's "sent" write, and those of the sends in flight beside it, fail for real.
    const outage = sink.waitForMessages(sink.messages.length + 6, 20_000).then(() => mongo.stop());
    sink.failNext(0);
    await outage;
    await sleep(MONGO_BLIP_MS);
    await mongo.restart();

    const records = await settledRecords(
      emails,
      events.map((event) => event.id),
    );
    await sleep(300);
    const counts = countsOf(events.map((event) => event.id));
    // Sent before the outage, recorded after it: the write failed and was retried, no re-send.
    const recordedLate = records.filter(
      (record) => record.updatedAt.getTime() - record.sentAt!.getTime() >= MONGO_BLIP_MS * 0.8,
    );
    console.log(
      `mongo down right after smtp accepted (${MONGO_BLIP_MS / 1000} s): ${events.length} e-mails, ` +
        `${counts.filter((count) => count === 1).length} sent once, ${counts.filter((count) => count > 1).length} twice or more, ` +
        `${recordedLate.length} recorded only after the outage, ` +
        `${records.filter((record) => record.status === 'failed').length} failed, ${seconds(started)} s`,
    );
    expect(counts).toEqual(events.map(() => 1));
    expect(records.every((record) => record.status === 'sent')).toBe(true);
    expect(recordedLate.length).toBeGreaterThanOrEqual(1);
    for (const record of records) expect(record.providerMessageId).toBe(messageIdOf(record.eventId));
  }, 60_000);

  it('re-sends under the same Message-ID when a worker stops before it could record a send', async () => {
    const started = Date.now();
    // Short enough to keep the test quick, long enough that a send and its record on a loaded
    // machine (the whole suite on two cores) finish within it: a lease that runs out while the
    // second worker is still recording would add a legitimate but unplanned third send.
    const shortLease = { ...env, EMAIL_LEASE_MS: '3000' };
    const infrastructure = { mongoUrl: mongo.url('email_crash'), smtpUrl };
    const first = await startEmailApp(infrastructure, shortLease);
    const events = Array.from({ length: 3 }, (_, index) => registered(`crash-${index}`));
    sink.failNext(Infinity, 451, '4.3.0 Hold on', 'data');
    await Promise.all(events.map((event) => first.app.get(EmailsService).handleUserRegistered(event)));
    // Every e-mail met the held relay (none still on its way to it); the worker now probes the
    // relay with one e-mail at a time, so exactly one is accepted before MongoDB goes away.
    await relayFailingFor(first.baseUrl);
    await eventually(async () => {
      const held = await Promise.all(
        events.map((event) => first.app.get(EmailsService).findByEventId(event.id)),
      );
      return held.every((record) => record?.status === 'pending' && record.lastError !== null);
    }, 10_000);
    const outage = sink.waitForMessages(sink.messages.length + 1, 20_000).then(() => mongo.stop());
    sink.failNext(0);
    await outage;
    // The worker that sent it goes away before MongoDB is back (like a crash or a redeploy).
    await first.app.close();
    await mongo.restart();

    const second = await startEmailApp(infrastructure, shortLease);
    try {
      const records = await settledRecords(
        second.app.get(EmailsService),
        events.map((event) => event.id),
      );
      await sleep(300);
      const counts = countsOf(events.map((event) => event.id));
      // Every message to a recipient carries its e-mail's one Message-ID, the re-send included.
      const otherIds = events.flatMap((event) =>
        sink.messages
          .filter((message) => message.to.includes(event.data.email))
          .filter((message) => message.messageId !== messageIdOf(event.id)),
      );
      console.log(
        `worker stopped after smtp accepted: ${events.length} e-mails, ` +
          `${counts.filter((count) => count === 2).length} sent again after the lease under the same Message-ID, ` +
          `${otherIds.length} messages under another Message-ID, ` +
          `${records.filter((record) => record.status === 'failed').length} failed, ${seconds(started)} s`,
      );
      expect([...counts].sort()).toEqual([1, 1, 2]);
      expect(otherIds).toHaveLength(0);
      expect(records.every((record) => record.status === 'sent')).toBe(true);
    } finally {
      await second.app.close();
    }
  }, 60_000);

  it('sends one welcome e-mail per user.registered that arrived while MongoDB was down', async () => {
    const started = Date.now();
    const bus = app.get(MessageBus);
    const events = Array.from({ length: ARRIVING_EVENTS }, (_, index) => registered(`mongo-${index}`));
    await mongo.stop();
    // In-process, a publish resolves once the event is handled: it waits out the outage.
    const handled = Promise.all(
      events.map((event) =>
        bus.publish({ topic: userRegistered.topic, key: event.data.userId, value: event }),
      ),
    );
    await sleep(MONGO_OUTAGE_MS);
    await mongo.restart();
    await handled;

    const records = await settledRecords(
      emails,
      events.map((event) => event.id),
    );
    await sleep(300);
    const counts = countsOf(events.map((event) => event.id));
    console.log(
      `mongo outage (${MONGO_OUTAGE_MS / 1000} s) while events arrive: ${events.length} user.registered, ` +
        `${counts.filter((count) => count === 1).length} welcome e-mails sent once, ` +
        `${counts.filter((count) => count > 1).length} twice or more, ` +
        `${records.filter((record) => record.status === 'failed').length} failed, ${seconds(started)} s`,
    );
    expect(counts).toEqual(events.map(() => 1));
    expect(records.every((record) => record.status === 'sent')).toBe(true);
  }, 60_000);
});

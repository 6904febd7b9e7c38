import { createEnvelope, orderCancelled, orderConfirmed, userRegistered } from '@coursehub/contracts';
import { SmtpSink } from '@coursehub/embedded';
import { createTemporaryMongoDatabase, TemporaryMongoDatabase, TestTokenIssuer } from '@coursehub/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { EmailLogService } from '../src/domain/email-log.service';
import { EmailsService } from '../src/domain/emails.service';
import { eventually, sleep, startEmailApp } from './email-test-app';

/*
 * The e-mail feature against real infrastructure: MongoDB (embedded wire server, or MONGO_URL) and
 * a real SMTP server (SmtpSink) that can fail on demand. Events are handed to EmailsService the way
 * the message handlers do; the delivery worker runs as in production, with short backoffs.
 */
describe('e-mail recording, delivery and admin API', () => {
  let database: TemporaryMongoDatabase;
  let sink: SmtpSink;
  let issuer: TestTokenIssuer;
  let infrastructure: { mongoUrl: string; smtpUrl: string };
  let env: Record<string, string>;
  let app: NestFastifyApplication;
  let baseUrl: string;
  let emails: EmailsService;
  let adminToken: string;

  beforeAll(async () => {
    [database, sink] = await Promise.all([createTemporaryMongoDatabase('email'), SmtpSink.start()]);
    issuer = new TestTokenIssuer();
    infrastructure = {
      mongoUrl: database.url,
      smtpUrl: `smtp://mailer:secret@${sink.host}:${sink.port}`,
    };
    env = {
      LOG_LEVEL: 'silent',
      JWT_PUBLIC_KEY: issuer.publicKeyPem,
      // Nothing listens here: the options above win over the variables, or nothing would work.
      MONGO_URL: 'mongodb://127.0.0.1:9/not_the_email_database',
      SMTP_URL: 'smtp://127.0.0.1:9',
      MAIL_FROM: 'CourseHub <no-reply@coursehub.test>',
      EMAIL_RETRY_BASE_MS: '40',
      EMAIL_RETRY_MAX_MS: '200',
      EMAIL_RELAY_RETRY_BASE_MS: '40',
      EMAIL_RELAY_RETRY_MAX_MS: '200',
      EMAIL_POLL_INTERVAL_MS: '50',
    };
    ({ app, baseUrl } = await startEmailApp(infrastructure, env));
    emails = app.get(EmailsService);
    adminToken = await issuer.sign({ id: randomUUID(), roles: ['admin'] });
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([sink?.stop(), database?.drop()]);
  });

  const registered = (name: string) => {
    const userId = randomUUID();
    const email = `${name.toLowerCase().replace(/\W/g, '')}-${userId.slice(0, 8)}@example.com`;
    return createEnvelope(userRegistered, { userId, email, displayName: name }, { producer: 'auth' });
  };
  const messagesTo = (address: string) => sink.messages.filter((message) => message.to.includes(address));
  const api = (path: string, init: RequestInit = {}, token: string | null = adminToken) =>
    fetch(baseUrl + path, {
      ...init,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers },
    });
  const recordOf = (eventId: string) =>
    eventually(async () => (await emails.findByEventId(eventId)) ?? undefined, 5_000, `record of ${eventId}`);
  const settled = (eventId: string) =>
    eventually(
      async () => {
        const record = await emails.findByEventId(eventId);
        return record && (record.status === 'sent' || record.status === 'failed') ? record : undefined;
      },
      10_000,
      `delivery of ${eventId}`,
    );

  /** The e-mail of `eventId` once settled, asserted sent to `to` on the first attempt. */
  const sentOnceTo = async (to: string, eventId: string) => {
    const sent = await settled(eventId);
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, to });
    return sent;
  };

  it('sends exactly one welcome e-mail per user.registered, also when the event is redelivered', async () => {
    const event = registered('Ada <Lovelace> & Co');
    await emails.handleUserRegistered(event);

    const sent = await sentOnceTo(event.data.email, event.id);
    expect(sent).toMatchObject({ template: 'welcome', subject: 'Welcome to CourseHub', lastError: null });
    expect(sent.sentAt).toBeInstanceOf(Date);
    const [message] = messagesTo(event.data.email);
    expect(message.from).toBe('no-reply@coursehub.test');
    expect(message.authenticatedAs).toBe('mailer');
    expect(message.subject).toBe('Welcome to CourseHub');
    // The address is not proven yet: the welcome carries nothing the registrant typed.
    expect(message.text).toContain('Hello,');
    expect(message.html).toContain('<p>Hello,</p>');
    expect(`${message.text} ${message.html}`).not.toContain('Lovelace');
    expect(message.header('x-coursehub-event-id')).toBe(event.id);
    expect(message.messageId).toBe(`<${event.id}.welcome@coursehub>`);
    expect(sent.providerMessageId).toBe(message.messageId);

    await emails.handleUserRegistered(event);
    await emails.handleUserRegistered(event);
    await sleep(300); // several worker polls
    expect(messagesTo(event.data.email)).toHaveLength(1);
    const page = await app.get(EmailLogService).list({ recipient: event.data.email, limit: 10 });
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).toBeNull();
  });

  it('retries a relay answering 4xx with backoff and sends on the third attempt', async () => {
    sink.failNext(2, 451, 'Greylisted, try again later');
    const event = registered('Grace');
    await emails.handleUserRegistered(event);

    const sent = await settled(event.id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 3, lastError: '451 Greylisted, try again later' });
    expect(messagesTo(event.data.email)).toHaveLength(1);
    // Two relay pauses of at least half of 40 and 80 ms.
    expect(sent.sentAt!.getTime() - sent.createdAt.getTime()).toBeGreaterThanOrEqual(60);
  });

  it('marks an e-mail failed after EMAIL_MAX_ATTEMPTS deferrals of its recipient; an admin retry sends it', async () => {
    sink.failNext(5, 452, 'Mailbox full, try again later', 'rcpt');
    const event = registered('Linus');
    await emails.handleUserRegistered(event);

    const failed = await settled(event.id);
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 5,
      lastError: '452 Mailbox full, try again later',
      sentAt: null,
      nextAttemptAt: null,
    });
    expect(messagesTo(event.data.email)).toHaveLength(0);
    const id = String(failed._id);

    // Only an admin may retry.
    expect((await api(`/emails/${id}/retry`, { method: 'POST' }, null)).status).toBe(401);
    const student = await issuer.sign({ id: randomUUID(), roles: ['student'] });
    expect((await api(`/emails/${id}/retry`, { method: 'POST' }, student)).status).toBe(403);

    const retried = await api(`/emails/${id}/retry`, { method: 'POST' });
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ id, status: 'pending', attempts: 0 });

    const sent = await settled(event.id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 1 });
    expect(messagesTo(event.data.email)).toHaveLength(1);

    const again = await api(`/emails/${id}/retry`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ statusCode: 409, error: 'Conflict' });
  });

  it('fails at once on a permanent (5xx) SMTP reply', async () => {
    sink.failNext(1, 550, 'Mailbox unavailable');
    const event = registered('Margaret');
    await emails.handleUserRegistered(event);
    expect(await settled(event.id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: '550 Mailbox unavailable',
    });
  });

  it('keeps an order e-mail that arrives before the user projection and sends it once the user is known', async () => {
    const user = registered('Barbara');
    const confirmed = createEnvelope(
      orderConfirmed,
      {
        orderId: randomUUID(),
        userId: user.data.userId,
        courseId: randomUUID(),
        courseTitle: 'Distributed <Systems>',
        price: 4999,
        currency: 'EUR',
      },
      { producer: 'order' },
    );
    await emails.handleOrderConfirmed(confirmed);
    await emails.handleOrderConfirmed(confirmed); // redelivered while waiting

    const waiting = await recordOf(confirmed.id);
    expect(waiting).toMatchObject({ status: 'pending', to: null, subject: null, attempts: 0 });
    await sleep(300); // the worker does not touch it while the recipient is unknown
    expect(await emails.findByEventId(confirmed.id)).toMatchObject({
      status: 'pending',
      to: null,
      attempts: 0,
    });

    await emails.handleUserRegistered(user);
    const sent = await sentOnceTo(user.data.email, confirmed.id);
    expect(sent.subject).toBe('You are enrolled: Distributed <Systems>');
    await settled(user.id);
    const received = messagesTo(user.data.email);
    expect(received.map((message) => message.subject).sort()).toEqual([
      'Welcome to CourseHub',
      'You are enrolled: Distributed <Systems>',
    ]);
    const confirmation = received.find((message) => message.subject?.startsWith('You are enrolled'))!;
    expect(confirmation.text).toContain('Price: €49.99');
    expect(confirmation.html).toContain('<strong>Distributed &lt;Systems&gt;</strong>');
  });

  it('sends a cancellation notice to a known user', async () => {
    const user = registered('Edsger');
    await emails.handleUserRegistered(user);
    const cancelled = createEnvelope(
      orderCancelled,
      {
        orderId: randomUUID(),
        userId: user.data.userId,
        courseId: randomUUID(),
        courseTitle: 'Structured Programming',
        reason: 'Refund requested',
      },
      { producer: 'order' },
    );
    await emails.handleOrderCancelled(cancelled);
    expect(await settled(cancelled.id)).toMatchObject({
      status: 'sent',
      template: 'order-cancelled',
      subject: 'Enrolment cancelled: Structured Programming',
    });
    const notice = messagesTo(user.data.email).find((message) =>
      message.subject?.startsWith('Enrolment cancelled'),
    );
    expect(notice?.text).toContain('Reason: Refund requested');
  });

  it('never sends an e-mail twice when several replicas deliver from the same collection', async () => {
    const replica = await startEmailApp(infrastructure, env);
    try {
      const events = Array.from({ length: 12 }, (_, index) => registered(`Replica ${index}`));
      await Promise.all(
        events.map((event, index) =>
          (index % 2 === 0 ? emails : replica.app.get(EmailsService)).handleUserRegistered(event),
        ),
      );
      await Promise.all(events.map((event) => settled(event.id)));
      await sleep(300);
      for (const event of events) expect(messagesTo(event.data.email)).toHaveLength(1);
      const records = await Promise.all(events.map((event) => emails.findByEventId(event.id)));
      expect(records.every((record) => record?.status === 'sent' && record.attempts === 1)).toBe(true);
    } finally {
      await replica.app.close();
    }
  });

  it('lists, filters and pages e-mails for admins; shows one with its parts', async () => {
    const user = registered('Filter Person');
    await emails.handleUserRegistered(user);
    const record = await settled(user.id);

    const unauthenticated = await api('/emails', {}, null);
    expect(unauthenticated.status).toBe(401);

    const byRecipient = await api(`/emails?recipient=${encodeURIComponent(user.data.email)}`);
    expect(byRecipient.status).toBe(200);
    const body = (await byRecipient.json()) as {
      items: Array<Record<string, unknown>>;
      nextCursor: string | null;
    };
    expect(body.items).toHaveLength(1);
    expect(body.nextCursor).toBeNull();
    expect(body.items[0]).toMatchObject({ id: String(record._id), eventId: user.id, status: 'sent' });
    expect(body.items[0]).not.toHaveProperty('html');

    const failed = (await (await api('/emails?status=failed&template=welcome')).json()) as {
      items: Array<{ status: string; template: string }>;
    };
    expect(failed.items.length).toBeGreaterThanOrEqual(1);
    expect(failed.items.every((item) => item.status === 'failed' && item.template === 'welcome')).toBe(true);

    type Page = { items: Array<{ id: string; createdAt: string }>; nextCursor: string | null };
    const page = async (path: string) => {
      const response = await api(path);
      expect(response.status).toBe(200);
      return (await response.json()) as Page;
    };
    const ids = (items: Page['items']) => items.map((item) => item.id);
    const all = await page('/emails?limit=100');
    expect(all.nextCursor).toBeNull(); // this suite records far fewer than 100 e-mails
    expect(all.items.length).toBeGreaterThan(6);
    const createdAts = all.items.map((item) => Date.parse(item.createdAt));
    expect(createdAts).toEqual([...createdAts].sort((a, b) => b - a)); // newest first
    const first = await page('/emails?limit=3');
    expect(ids(first.items)).toEqual(ids(all.items.slice(0, 3)));
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await page(`/emails?limit=3&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(ids(second.items)).toEqual(ids(all.items.slice(3, 6)));
    // Following nextCursor to the end yields every e-mail exactly once, in order.
    const walked = [...ids(first.items), ...ids(second.items)];
    for (let cursor = second.nextCursor; cursor !== null;) {
      const next = await page(`/emails?limit=3&cursor=${encodeURIComponent(cursor)}`);
      walked.push(...ids(next.items));
      cursor = next.nextCursor;
    }
    expect(walked).toEqual(ids(all.items));

    // Altered cursors and out-of-range limits are rejected, never run.
    const forged = Buffer.from(JSON.stringify(['createdAt-desc', 'not a date', randomUUID()])).toString(
      'base64url',
    );
    const byOtherSort = Buffer.from(
      JSON.stringify(['title-asc', new Date().toISOString(), randomUUID()]),
    ).toString('base64url');
    for (const cursor of [forged, byOtherSort, 'not-a-cursor']) {
      const rejected = await api(`/emails?cursor=${encodeURIComponent(cursor)}`);
      expect(rejected.status).toBe(400);
      expect(await rejected.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
    expect((await api('/emails?limit=0')).status).toBe(400);
    expect((await api('/emails?limit=101')).status).toBe(400);

    const future = new Date(Date.now() + 60_000).toISOString();
    const none = await page(`/emails?createdFrom=${future}`);
    expect(none).toEqual({ items: [], nextCursor: null });
    const inRange = await page(
      `/emails?recipient=${encodeURIComponent(user.data.email)}&createdFrom=${new Date(record.createdAt.getTime() - 1000).toISOString()}&createdTo=${future}`,
    );
    expect(ids(inRange.items)).toEqual([String(record._id)]);

    expect((await api('/emails?status=lost')).status).toBe(400);

    const detail = await api(`/emails/${String(record._id)}`);
    expect(detail.status).toBe(200);
    expect(await detail.json()).toMatchObject({
      id: String(record._id),
      to: user.data.email,
      text: expect.stringContaining('welcome to CourseHub') as string,
      html: expect.stringContaining('<p>Hello,</p>') as string,
    });
    expect((await api('/emails/000000000000000000000000')).status).toBe(404);
    expect((await api('/emails/not-an-id')).status).toBe(404);
  });

  it('is ready on MongoDB alone and reports the SMTP relay as a dependency', async () => {
    const ready = await fetch(`${baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    const readiness = (await ready.json()) as { info: Record<string, unknown> };
    expect(readiness).toMatchObject({ status: 'ok', info: { mongodb: { status: 'up' } } });
    expect(readiness.info).not.toHaveProperty('smtp');

    const dependencies = await fetch(`${baseUrl}/health/dependencies`);
    expect(dependencies.status).toBe(200);
    expect(await dependencies.json()).toMatchObject({ info: { smtp: { status: 'up' } } });
  });

  it('re-queues every failed e-mail with POST /emails/retry-failed and sends each once', async () => {
    const since = new Date();
    const events = Array.from({ length: 6 }, (_, index) => registered(`Bulk ${index}`));
    sink.failNext(events.length, 550, 'No such user here', 'rcpt');
    await Promise.all(events.map((event) => emails.handleUserRegistered(event)));
    const failed = await Promise.all(events.map((event) => settled(event.id)));
    expect(failed.every((record) => record.status === 'failed')).toBe(true);

    const retryFailed = (body: unknown, token?: string | null) =>
      api(
        '/emails/retry-failed',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
        token,
      );
    expect((await retryFailed({}, null)).status).toBe(401);
    expect((await retryFailed({}, await issuer.sign({ id: randomUUID(), roles: ['student'] }))).status).toBe(
      403,
    );
    const invalid = await retryFailed({ template: 'newsletter', createdFrom: 'yesterday' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    const otherTemplate = await retryFailed({
      template: 'order-confirmed',
      createdFrom: since.toISOString(),
    });
    expect(await otherTemplate.json()).toEqual({ requeued: 0 });

    const retried = await retryFailed({ template: 'welcome', createdFrom: since.toISOString() });
    expect(retried.status).toBe(200);
    expect(await retried.json()).toEqual({ requeued: events.length });
    const sent = await Promise.all(events.map((event) => settled(event.id)));
    await sleep(300); // several worker polls
    expect(sent.every((record) => record.status === 'sent' && record.attempts === 1)).toBe(true);
    const perEmail = events.map(
      (event) =>
        sink.messages.filter((message) => message.messageId === `<${event.id}.welcome@coursehub>`).length,
    );
    expect(perEmail).toEqual(events.map(() => 1));

    // Without a body: every failed e-mail (the earlier tests left some), none of these any more.
    const again = await api('/emails/retry-failed', { method: 'POST' });
    expect(again.status).toBe(200);
    const { requeued } = (await again.json()) as { requeued: number };
    expect(requeued).toBeGreaterThanOrEqual(1);
    expect(
      (await Promise.all(events.map((event) => emails.findByEventId(event.id)))).map((r) => r?.status),
    ).toEqual(events.map(() => 'sent'));
    console.log(
      `bulk retry: ${events.length} failed e-mails, ${events.length} re-queued, ` +
        `${perEmail.filter((count) => count === 1).length} sent once, ${sent.filter((r) => r.status === 'failed').length} failed; ` +
        `second unfiltered retry re-queued ${requeued} (older failures of this suite)`,
    );
  });
});

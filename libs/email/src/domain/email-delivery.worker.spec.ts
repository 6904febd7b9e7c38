import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { Types } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { EmailRecord } from '../data/email-record.schema';
import { ClaimedEmail, DeliveryOutcome, EmailRecordsRepository } from '../data/email-records.repository';
import { EmailDeliveryWorker } from './email-delivery.worker';
import { EmailsService } from './emails.service';
import { Mailer, OutgoingEmail } from './mailer';
import { messageIdOf } from './message-id';
import { SmtpRelayHealth } from './smtp-relay-health';

const SETTINGS = {
  EMAIL_DELIVERY_CONCURRENCY: 2,
  EMAIL_POLL_INTERVAL_MS: 60_000,
  EMAIL_LEASE_MS: 60_000,
  EMAIL_MAX_ATTEMPTS: 3,
  EMAIL_RETRY_BASE_MS: 1_000,
  EMAIL_RETRY_MAX_MS: 8_000,
  EMAIL_RELAY_RETRY_BASE_MS: 200,
  EMAIL_RELAY_RETRY_MAX_MS: 1_000,
};

/** What the worker sends of a rendered e-mail. */
const RENDERED = { to: 'ada@example.com', subject: 'Welcome', text: 'Hello Ada', html: '<p>Hello Ada</p>' };
const UNSENT = {
  status: 'pending',
  attempts: 0,
  recipientDeferrals: 0,
  lastError: null,
  sentAt: null,
} as const;
const UNLEASED = { leaseOwner: null, leaseExpiresAt: null };

/** The `emails` collection in memory, with the claim, settle and mark-sent rules of the real repository. */
class InMemoryEmailRecords implements Pick<EmailRecordsRepository, 'claimNextDue' | 'settle' | 'markSent'> {
  readonly records = new Map<string, EmailRecord>();
  /** Writes that reject next, as while MongoDB is unreachable. */
  readonly failing = { settle: 0, markSent: 0 };

  /** A due e-mail (only what the worker reads and writes), changed by `changes`. */
  add(changes: Partial<EmailRecord> = {}): EmailRecord {
    const _id = new Types.ObjectId();
    const due = { _id, eventId: randomUUID(), template: 'welcome', nextAttemptAt: new Date(Date.now() - 1) };
    const record = {
      ...RENDERED,
      ...UNSENT,
      ...UNLEASED,
      ...due,
      correlationId: null,
      ...changes,
    } as EmailRecord;
    this.records.set(String(_id), record);
    return record;
  }

  get(record: EmailRecord): EmailRecord {
    return this.records.get(String(record._id))!;
  }

  claimNextDue(workerId: string, leaseMs: number): Promise<ClaimedEmail | null> {
    const now = new Date();
    const isDue = (record: EmailRecord) =>
      record.status === 'sending' ||
      (record.status === 'pending' && record.nextAttemptAt !== null && record.nextAttemptAt <= now);
    const due = [...this.records.values()]
      .filter((record) => isDue(record) && !(record.leaseExpiresAt && record.leaseExpiresAt > now))
      .sort((a, b) => (a.nextAttemptAt?.getTime() ?? 0) - (b.nextAttemptAt?.getTime() ?? 0))[0];
    if (!due) return Promise.resolve(null);
    const lease = { leaseOwner: workerId, leaseExpiresAt: new Date(now.getTime() + leaseMs) };
    Object.assign(due, { status: 'sending', attempts: due.attempts + 1, ...lease });
    return Promise.resolve({ ...due } as ClaimedEmail);
  }

  markSent(id: Types.ObjectId, { sentAt, messageId }: { sentAt: Date; messageId: string }): Promise<void> {
    if (this.failing.markSent-- > 0) return Promise.reject(new Error('MongoDB is down'));
    const record = this.records.get(String(id))!;
    if (record.status !== 'sent') {
      Object.assign(
        record,
        { status: 'sent', sentAt, providerMessageId: messageId, nextAttemptAt: null },
        UNLEASED,
      );
    }
    return Promise.resolve();
  }

  settle(id: Types.ObjectId, workerId: string, outcome: DeliveryOutcome): Promise<void> {
    if (this.failing.settle-- > 0) return Promise.reject(new Error('MongoDB is down'));
    const record = this.records.get(String(id))!;
    if (record.status === 'sending' && record.leaseOwner === workerId)
      Object.assign(record, outcome, UNLEASED);
    return Promise.resolve();
  }
}

/** A relay that answers each send with the next scripted outcome (success by default). */
class ScriptedMailer implements Pick<Mailer, 'send'> {
  readonly sent: OutgoingEmail[] = [];
  private readonly failures: Error[] = [];
  inFlight = 0;
  maxInFlight = 0;

  failNext(...errors: Error[]): void {
    this.failures.push(...errors);
  }

  async send(email: OutgoingEmail): Promise<void> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.inFlight -= 1;
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(email);
  }
}

/** A nodemailer error with the relay's reply to `command`. */
const smtpReply = (code: number, text: string, command = 'DATA') =>
  Object.assign(new Error(`Message failed: ${code} ${text}`), {
    responseCode: code,
    response: `${code} ${text}`,
    command,
  });

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('EmailDeliveryWorker', () => {
  let records: InMemoryEmailRecords;
  let mailer: ScriptedMailer;
  let worker: EmailDeliveryWorker;
  let relay: SmtpRelayHealth;

  beforeEach(async () => {
    records = new InMemoryEmailRecords();
    mailer = new ScriptedMailer();
    const emailsService = { onRecorded: () => undefined, usersWithWaitingEmails: () => Promise.resolve([]) };
    const moduleRef = await Test.createTestingModule({
      providers: [
        EmailDeliveryWorker,
        { provide: EmailRecordsRepository, useValue: records },
        { provide: EmailsService, useValue: emailsService },
        { provide: Mailer, useValue: mailer },
        SmtpRelayHealth,
        { provide: ConfigService, useValue: { get: (key: keyof typeof SETTINGS) => SETTINGS[key] } },
      ],
    }).compile();
    Logger.overrideLogger(false); // compile() installs the testing logger, which prints the expected errors
    // No init: the poll timer stays off and each test drives the worker with kick().
    worker = moduleRef.get(EmailDeliveryWorker);
    relay = moduleRef.get(SmtpRelayHealth);
  });

  afterEach(() => worker.onModuleDestroy());

  const released = (record: EmailRecord) => () =>
    records.get(record).attempts > 0 && records.get(record).leaseOwner === null;

  it('sends a due e-mail once under a Message-ID derived from its event, records it sent, releases the lease', async () => {
    const email = records.add();
    worker.kick();
    await until(released(email), 'the delivery');

    const messageId = `<${email.eventId}.welcome@coursehub>`;
    expect(messageIdOf(email)).toBe(messageId);
    expect(mailer.sent).toEqual([
      { messageId, ...RENDERED, headers: { 'X-CourseHub-Event-Id': email.eventId } },
    ]);
    expect(records.get(email)).toMatchObject({ status: 'sent', attempts: 1, providerMessageId: messageId });
    expect(records.get(email)).toMatchObject({ nextAttemptAt: null, ...UNLEASED, sentAt: expect.any(Date) });

    worker.kick();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(mailer.sent).toHaveLength(1);
  });

  it('puts a deferred recipient back with its own backoff and does not send it before it is due', async () => {
    mailer.failNext(smtpReply(452, 'Mailbox full', 'RCPT TO'));
    const email = records.add();
    const before = Date.now();
    worker.kick();
    await until(released(email), 'the failed attempt');

    const record = records.get(email);
    expect(record).toMatchObject({ status: 'pending', attempts: 1, recipientDeferrals: 1, sentAt: null });
    expect(record.lastError).toBe('452 Mailbox full');
    // First retry: half to all of EMAIL_RETRY_BASE_MS.
    expect(record.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(before + 500);
    expect(record.nextAttemptAt!.getTime()).toBeLessThanOrEqual(Date.now() + 1_000);
    expect(relay.isDown).toBe(false);

    worker.kick();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(records.get(email).attempts).toBe(1);
    expect(mailer.sent).toHaveLength(0);
  });

  it('marks the e-mail failed when the recipient is deferred EMAIL_MAX_ATTEMPTS times', async () => {
    mailer.failNext(smtpReply(450, 'Mailbox busy', 'RCPT TO'));
    const email = records.add({ attempts: 7, recipientDeferrals: SETTINGS.EMAIL_MAX_ATTEMPTS - 1 });
    worker.kick();
    await until(() => records.get(email).status !== 'sending', 'the last attempt');

    expect(records.get(email)).toMatchObject({
      status: 'failed',
      attempts: 8,
      lastError: '450 Mailbox busy',
    });
    expect(records.get(email)).toMatchObject({
      recipientDeferrals: 3,
      nextAttemptAt: null,
      leaseOwner: null,
    });
  });

  it('pauses the whole worker on relay failures (4xx to DATA, 535, refused) and never fails an e-mail', async () => {
    const emails = [records.add(), records.add(), records.add()];
    const badLogin = Object.assign(smtpReply(535, 'Authentication failed', 'AUTH PLAIN'), { code: 'EAUTH' });
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' });
    mailer.failNext(smtpReply(451, 'Local error'), badLogin, refused);
    worker.kick();
    await until(() => relay.isDown, 'the relay failure');
    expect(relay.pauseRemainingMs()).toBeGreaterThan(0);
    await until(() => mailer.sent.length === 3, 'the deliveries after the relay came back');

    expect(emails.map((email) => records.get(email).status)).toEqual(['sent', 'sent', 'sent']);
    expect(emails.every((email) => records.get(email).recipientDeferrals === 0)).toBe(true);
    expect(relay.isDown).toBe(false);
  });

  it('marks the e-mail failed at once when the recipient or the message is rejected (5xx)', async () => {
    mailer.failNext(smtpReply(550, 'No such user', 'RCPT TO'), smtpReply(552, 'Message too big'));
    const [first, second] = [records.add(), records.add()];
    worker.kick();
    await until(() => [first, second].every((email) => records.get(email).status === 'failed'), 'both');

    expect(records.get(first)).toMatchObject({ attempts: 1, nextAttemptAt: null });
    expect([records.get(first).lastError, records.get(second).lastError].sort()).toEqual([
      '550 No such user',
      '552 Message too big',
    ]);
    expect(relay.isDown).toBe(false);
  });

  it('sends at most EMAIL_DELIVERY_CONCURRENCY e-mails at a time and drains the queue', async () => {
    const emails = Array.from({ length: 7 }, () => records.add());
    worker.kick();
    await until(() => emails.every((email) => records.get(email).status === 'sent'), 'all deliveries');

    expect(mailer.sent).toHaveLength(7);
    expect(mailer.maxInFlight).toBe(SETTINGS.EMAIL_DELIVERY_CONCURRENCY);
    expect(emails.every((email) => records.get(email).attempts === 1)).toBe(true);
  });

  it('never marks a sent e-mail failed when recording the send fails: it retries the write, sends once', async () => {
    records.failing.markSent = 3;
    const email = records.add();
    worker.kick();
    await until(() => records.get(email).status === 'sent', 'the recorded send');

    expect(mailer.sent).toHaveLength(1);
    expect(records.get(email)).toMatchObject({ attempts: 1, lastError: null, leaseOwner: null });
  });

  it('re-sends an e-mail whose lease expired in `sending` under the same Message-ID', async () => {
    const diedAfterSending = { leaseOwner: 'a worker that died', leaseExpiresAt: new Date(Date.now() - 1) };
    const email = records.add({ status: 'sending', attempts: 1, ...diedAfterSending });
    worker.kick();
    await until(() => records.get(email).status === 'sent', 'the re-send');

    expect(mailer.sent.map((sent) => sent.messageId)).toEqual([messageIdOf(email)]);
    expect(records.get(email)).toMatchObject({ attempts: 2, providerMessageId: messageIdOf(email) });
  });

  it('keeps delivering when recording a failed attempt fails; that e-mail stays leased until the lease expires', async () => {
    records.failing.settle = 1;
    mailer.failNext(smtpReply(452, 'Mailbox full', 'RCPT TO'));
    const [first, second] = [records.add(), records.add({ nextAttemptAt: new Date(Date.now() + 20) })];
    worker.kick();
    await until(() => records.get(first).attempts === 1 && mailer.sent.length === 0, 'the first attempt');
    await new Promise((resolve) => setTimeout(resolve, 30));
    worker.kick();
    await until(() => records.get(second).status === 'sent', 'the second delivery');

    expect(records.get(first)).toMatchObject({ status: 'sending', attempts: 1 });
    expect(records.get(first).leaseOwner).not.toBeNull();
    expect(mailer.sent).toHaveLength(1);
  });
});

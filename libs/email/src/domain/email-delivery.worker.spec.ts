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

type RepositoryPart = Pick<EmailRecordsRepository, 'claimNextDue' | 'settle' | 'markSent'>;

/** The `emails` collection in memory, with the claim, settle and mark-sent rules of the real repository. */
class InMemoryEmailRecords implements RepositoryPart {
  readonly records = new Map<string, EmailRecord>();
  /** Writes that reject next, as while MongoDB is unreachable. */
  failingSettles = 0;
  failingMarkSent = 0;

  add(changes: Partial<EmailRecord> = {}): EmailRecord {
    const _id = new Types.ObjectId();
    const record: EmailRecord = {
      _id,
      eventId: randomUUID(),
      userId: randomUUID(),
      to: 'ada@example.com',
      template: 'welcome',
      data: {},
      subject: 'Welcome to CourseHub',
      text: 'Hello Ada',
      html: '<p>Hello Ada</p>',
      status: 'pending',
      attempts: 0,
      recipientDeferrals: 0,
      lastError: null,
      providerMessageId: null,
      nextAttemptAt: new Date(Date.now() - 1),
      leaseOwner: null,
      leaseExpiresAt: null,
      correlationId: null,
      createdAt: new Date(),
      updatedAt: new Date(),
      sentAt: null,
      ...changes,
    };
    this.records.set(String(_id), record);
    return record;
  }

  get(record: EmailRecord): EmailRecord {
    return this.records.get(String(record._id))!;
  }

  claimNextDue(workerId: string, leaseMs: number): Promise<ClaimedEmail | null> {
    const now = new Date();
    const due = [...this.records.values()]
      .filter(
        (record) =>
          ((record.status === 'pending' &&
            record.to !== null &&
            record.nextAttemptAt !== null &&
            record.nextAttemptAt <= now) ||
            record.status === 'sending') &&
          (record.leaseExpiresAt === null || record.leaseExpiresAt <= now),
      )
      .sort((a, b) => (a.nextAttemptAt?.getTime() ?? 0) - (b.nextAttemptAt?.getTime() ?? 0))[0];
    if (!due) return Promise.resolve(null);
    Object.assign(due, {
      status: 'sending',
      leaseOwner: workerId,
      leaseExpiresAt: new Date(now.getTime() + leaseMs),
      attempts: due.attempts + 1,
    });
    return Promise.resolve({ ...due } as ClaimedEmail);
  }

  markSent(id: Types.ObjectId, sent: { sentAt: Date; messageId: string }): Promise<void> {
    if (this.failingMarkSent > 0) {
      this.failingMarkSent -= 1;
      return Promise.reject(new Error('MongoDB is down'));
    }
    const record = this.records.get(String(id));
    if (record && record.status !== 'sent') {
      Object.assign(record, {
        status: 'sent',
        sentAt: sent.sentAt,
        providerMessageId: sent.messageId,
        nextAttemptAt: null,
        leaseOwner: null,
        leaseExpiresAt: null,
      });
    }
    return Promise.resolve();
  }

  settle(id: Types.ObjectId, workerId: string, outcome: DeliveryOutcome): Promise<void> {
    if (this.failingSettles > 0) {
      this.failingSettles -= 1;
      return Promise.reject(new Error('MongoDB is down'));
    }
    const record = this.records.get(String(id));
    if (record?.status === 'sending' && record.leaseOwner === workerId) {
      Object.assign(record, outcome, { leaseOwner: null, leaseExpiresAt: null });
    }
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

  beforeEach(async () => {
    records = new InMemoryEmailRecords();
    mailer = new ScriptedMailer();
    const emailsService: Pick<EmailsService, 'onRecorded' | 'usersWithWaitingEmails' | 'resolveWaitingFor'> =
      {
        onRecorded: () => undefined,
        usersWithWaitingEmails: () => Promise.resolve([]),
        resolveWaitingFor: () => Promise.resolve(0),
      };
    const moduleRef = await Test.createTestingModule({
      providers: [
        EmailDeliveryWorker,
        { provide: EmailRecordsRepository, useValue: records },
        { provide: EmailsService, useValue: emailsService },
        { provide: Mailer, useValue: mailer },
        { provide: ConfigService, useValue: { get: (key: keyof typeof SETTINGS) => SETTINGS[key] } },
      ],
    }).compile();
    Logger.overrideLogger(false); // compile() installs the testing logger, which prints the expected errors
    // No init: the poll timer stays off and each test drives the worker with kick().
    worker = moduleRef.get(EmailDeliveryWorker);
  });

  const released = (record: EmailRecord) => () =>
    records.get(record).attempts > 0 && records.get(record).leaseOwner === null;

  it('sends a due e-mail once, records it sent with the relay’s id and releases the lease', async () => {
    const email = records.add();
    worker.kick();
    await until(released(email), 'the delivery');

    expect(mailer.sent).toEqual([
      {
        to: 'ada@example.com',
        subject: 'Welcome to CourseHub',
        text: 'Hello Ada',
        html: '<p>Hello Ada</p>',
        headers: { 'X-CourseHub-Event-Id': email.eventId },
      },
    ]);
    expect(records.get(email)).toMatchObject({
      status: 'sent',
      attempts: 1,
      providerMessageId: '<1@relay.test>',
      nextAttemptAt: null,
      leaseExpiresAt: null,
    });
    expect(records.get(email).sentAt).toBeInstanceOf(Date);

    worker.kick();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(mailer.sent).toHaveLength(1);
  });

  it('puts a transient failure back with a backoff and does not send it before it is due', async () => {
    mailer.failNext(smtpReply(451, 'Greylisted'));
    const email = records.add();
    const before = Date.now();
    worker.kick();
    await until(released(email), 'the failed attempt');

    const record = records.get(email);
    expect(record).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: '451 Greylisted',
      sentAt: null,
    });
    // First retry: half to all of EMAIL_RETRY_BASE_MS.
    expect(record.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(before + 500);
    expect(record.nextAttemptAt!.getTime()).toBeLessThanOrEqual(Date.now() + 1_000);

    worker.kick();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(records.get(email).attempts).toBe(1);
    expect(mailer.sent).toHaveLength(0);
  });

  it('marks the e-mail failed when the last allowed attempt fails transiently', async () => {
    mailer.failNext(Object.assign(new Error('connection refused'), { code: 'ECONNECTION' }));
    const email = records.add({ attempts: SETTINGS.EMAIL_MAX_ATTEMPTS - 1 });
    worker.kick();
    await until(() => records.get(email).status !== 'pending', 'the last attempt');

    expect(records.get(email)).toMatchObject({
      status: 'failed',
      attempts: SETTINGS.EMAIL_MAX_ATTEMPTS,
      lastError: 'ECONNECTION: connection refused',
      nextAttemptAt: null,
      leaseOwner: null,
    });
  });

  it('marks the e-mail failed at once on a permanent (5xx) reply', async () => {
    mailer.failNext(smtpReply(550, 'Mailbox unavailable'));
    const email = records.add();
    worker.kick();
    await until(() => records.get(email).status !== 'pending', 'the attempt');

    expect(records.get(email)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: '550 Mailbox unavailable',
      nextAttemptAt: null,
    });
  });

  it('sends at most EMAIL_DELIVERY_CONCURRENCY e-mails at a time and drains the queue', async () => {
    const emails = Array.from({ length: 7 }, () => records.add());
    worker.kick();
    await until(() => emails.every((email) => records.get(email).status === 'sent'), 'all deliveries');

    expect(mailer.sent).toHaveLength(7);
    expect(mailer.maxInFlight).toBe(SETTINGS.EMAIL_DELIVERY_CONCURRENCY);
    expect(emails.every((email) => records.get(email).attempts === 1)).toBe(true);
  });

  it('keeps delivering when recording an outcome fails; that e-mail stays leased until the lease expires', async () => {
    // Both writes of the first delivery fail: its outcome and the fallback that records the error.
    records.failingSettles = 2;
    const [first, second] = [records.add(), records.add({ nextAttemptAt: new Date(Date.now() + 20) })];
    worker.kick();
    await until(() => mailer.sent.length === 1, 'the first send');
    await new Promise((resolve) => setTimeout(resolve, 30));
    worker.kick();
    await until(() => records.get(second).status === 'sent', 'the second delivery');

    expect(records.get(first)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(records.get(first).leaseOwner).not.toBeNull();
    expect(mailer.sent).toHaveLength(2);
  });
});

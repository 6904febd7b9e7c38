import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { Types } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { EmailRecord } from '../src/data/email-record.schema';
import { ClaimedEmail, DeliveryOutcome, EmailRecordsRepository } from '../src/data/email-records.repository';
import { EmailDeliveryWorker } from '../src/domain/email-delivery.worker';
import { EmailsService } from '../src/domain/emails.service';
import { FailedDeliveries } from '../src/domain/failed-deliveries';
import { Mailer, OutgoingEmail } from '../src/domain/mailer';
import { PersonalEmailDataService } from '../src/domain/personal-email-data.service';
import { SmtpRelayHealth } from '../src/domain/smtp-relay-health';

/*
 * The fakes the delivery worker's unit specs run it with: the `emails` collection in memory and a
 * relay that answers with scripted outcomes. Only the worker and FailedDeliveries are real.
 */

export const SETTINGS = {
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
export const RENDERED = {
  to: 'ada@example.com',
  subject: 'Welcome',
  text: 'Hello Ada',
  html: '<p>Hello Ada</p>',
};
const UNSENT = {
  status: 'pending',
  attempts: 0,
  recipientDeferrals: 0,
  lastError: null,
  sentAt: null,
} as const;
export const UNLEASED = { leaseOwner: null, leaseExpiresAt: null };

/** The `emails` collection in memory, with the claim, settle and mark-sent rules of the real repository. */
export class InMemoryEmailRecords implements Pick<
  EmailRecordsRepository,
  'claimNextDue' | 'settle' | 'markSent'
> {
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

  /** True once the worker tried `record` and gave its lease back, whatever the outcome. */
  released(record: EmailRecord): () => boolean {
    return () => this.get(record).attempts > 0 && this.get(record).leaseOwner === null;
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
export class ScriptedMailer implements Pick<Mailer, 'send'> {
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
export const smtpReply = (code: number, text: string, command = 'DATA') =>
  Object.assign(new Error(`Message failed: ${code} ${text}`), {
    responseCode: code,
    response: `${code} ${text}`,
    command,
  });

export async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The worker with its real collaborators around the fakes; no init, so each test drives it with kick(). */
export async function startWorker(): Promise<{
  records: InMemoryEmailRecords;
  mailer: ScriptedMailer;
  worker: EmailDeliveryWorker;
  relay: SmtpRelayHealth;
}> {
  const records = new InMemoryEmailRecords();
  const mailer = new ScriptedMailer();
  const emailsService = {
    onRecorded: () => undefined,
    usersWithWaitingEmails: () => Promise.resolve([]),
  };
  const moduleRef = await Test.createTestingModule({
    providers: [
      EmailDeliveryWorker,
      FailedDeliveries,
      { provide: EmailRecordsRepository, useValue: records },
      { provide: EmailsService, useValue: emailsService },
      { provide: PersonalEmailDataService, useValue: { afterSent: () => Promise.resolve() } },
      { provide: Mailer, useValue: mailer },
      SmtpRelayHealth,
      { provide: ConfigService, useValue: { get: (key: keyof typeof SETTINGS) => SETTINGS[key] } },
    ],
  }).compile();
  Logger.overrideLogger(false); // compile() installs the testing logger, which prints the expected errors
  return {
    records,
    mailer,
    worker: moduleRef.get(EmailDeliveryWorker),
    relay: moduleRef.get(SmtpRelayHealth),
  };
}

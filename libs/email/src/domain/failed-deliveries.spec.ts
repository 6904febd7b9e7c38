import {
  InMemoryEmailRecords,
  ScriptedMailer,
  SETTINGS,
  smtpReply,
  startWorker,
  until,
} from '../../test/email-delivery-fakes';
import type { EmailDeliveryWorker } from './email-delivery.worker';
import type { SmtpRelayHealth } from './smtp-relay-health';

/** Driven through the worker, as in production: the relay fails on script, the records are in memory. */
describe('FailedDeliveries: what a failed SMTP call does to an e-mail', () => {
  let records: InMemoryEmailRecords;
  let mailer: ScriptedMailer;
  let worker: EmailDeliveryWorker;
  let relay: SmtpRelayHealth;

  beforeEach(async () => {
    ({ records, mailer, worker, relay } = await startWorker());
  });

  afterEach(() => worker.onModuleDestroy());

  it('puts a deferred recipient back with its own backoff and does not send it before it is due', async () => {
    mailer.failNext(smtpReply(452, 'Mailbox full', 'RCPT TO'));
    const email = records.add();
    const before = Date.now();
    worker.kick();
    await until(records.released(email), 'the failed attempt');

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
});

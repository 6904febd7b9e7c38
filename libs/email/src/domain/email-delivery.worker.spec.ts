import {
  InMemoryEmailRecords,
  RENDERED,
  ScriptedMailer,
  SETTINGS,
  smtpReply,
  startWorker,
  UNLEASED,
  until,
} from '../../test/email-delivery-fakes';
import type { EmailDeliveryWorker } from './email-delivery.worker';
import { messageIdOf } from './message-id';

describe('EmailDeliveryWorker: claiming and sending', () => {
  let records: InMemoryEmailRecords;
  let mailer: ScriptedMailer;
  let worker: EmailDeliveryWorker;

  beforeEach(async () => {
    ({ records, mailer, worker } = await startWorker());
  });

  afterEach(() => worker.onModuleDestroy());

  it('sends a due e-mail once under a Message-ID derived from its event, records it sent, releases the lease', async () => {
    const email = records.add();
    worker.kick();
    await until(records.released(email), 'the delivery');

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

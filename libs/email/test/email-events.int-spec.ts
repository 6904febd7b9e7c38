import { createEnvelope, orderConfirmed, userRegistered } from '@coursehub/contracts';
import { TestTokenIssuer } from '@coursehub/testing';
import { TransportKind } from '@coursehub/messaging';
import { randomUUID } from 'node:crypto';
import { EmailLogService } from '../src/domain/email-log.service';
import { EmailStack, eventually, sleep, startEmailStack } from './email-test-app';

/*
 * The e-mail service as composed: events arrive over the transport (Kafka through the librdkafka mock
 * cluster as in the split deployment, or in-process as in the platform), e-mails leave through SMTP
 * (SmtpSink), records live in MongoDB.
 */
describe.each<TransportKind>(['in-process', 'kafka'])(
  'e-mail service consuming events (%s transport)',
  (transport) => {
    let stack: EmailStack;

    beforeAll(async () => {
      stack = await startEmailStack(transport, 'email_events', {
        JWT_PUBLIC_KEY: new TestTokenIssuer().publicKeyPem,
      });
    }, 60_000);

    afterAll(() => stack?.stop());

    const messagesTo = (address: string) =>
      stack.sink.messages.filter((message) => message.to.includes(address));

    it('sends one welcome e-mail for user.registered and none for its redeliveries', async () => {
      const userId = randomUUID();
      const event = createEnvelope(
        userRegistered,
        { userId, email: `kafka-${userId.slice(0, 8)}@example.com`, displayName: 'Kafka Reader' },
        { producer: 'auth' },
      );
      await stack.publish(userRegistered, event);
      await stack.sink.waitForMessages(1, 30_000);
      const record = await stack.sentRecordOf(event.id, 10_000);
      expect(record).toMatchObject({
        status: 'sent',
        attempts: 1,
        to: event.data.email,
        template: 'welcome',
      });
      expect(messagesTo(event.data.email)).toHaveLength(1);

      await stack.publish(userRegistered, event);
      await stack.publish(userRegistered, event);
      // A later event on the same partition proves the redeliveries were consumed before it.
      const marker = createEnvelope(
        userRegistered,
        { userId, email: event.data.email, displayName: 'Kafka Reader' },
        { producer: 'auth' },
      );
      await stack.publish(userRegistered, marker);
      await eventually(
        async () => (await stack.emails.findByEventId(marker.id))?.status === 'sent',
        20_000,
        'marker',
      );
      await sleep(200);
      const log = stack.app.get(EmailLogService);
      const welcomes = (await log.list({ recipient: event.data.email, limit: 10 })).items;
      expect(welcomes.map((email) => email.eventId).sort()).toEqual([event.id, marker.id].sort());
      expect(messagesTo(event.data.email)).toHaveLength(2);
    }, 60_000);

    it('sends an enrolment confirmation that arrived before the user once user.registered follows', async () => {
      const userId = randomUUID();
      const confirmed = createEnvelope(
        orderConfirmed,
        {
          orderId: randomUUID(),
          userId,
          courseId: randomUUID(),
          courseTitle: 'Event-Driven Architecture',
          price: 129_00,
          currency: 'USD',
        },
        { producer: 'order' },
      );
      await stack.publish(orderConfirmed, confirmed);
      const waiting = await eventually(
        async () => (await stack.emails.findByEventId(confirmed.id)) ?? undefined,
        30_000,
        'the waiting record',
      );
      expect(waiting).toMatchObject({ status: 'pending', to: null });

      const email = `late-${userId.slice(0, 8)}@example.com`;
      await stack.publish(
        userRegistered,
        createEnvelope(
          userRegistered,
          { userId, email, displayName: 'Late Projection' },
          { producer: 'auth' },
        ),
      );
      const sent = await stack.sentRecordOf(confirmed.id);
      expect(sent).toMatchObject({
        to: email,
        attempts: 1,
        subject: 'You are enrolled: Event-Driven Architecture',
      });
      const confirmation = messagesTo(email).find((message) =>
        message.subject?.startsWith('You are enrolled'),
      );
      expect(confirmation?.text).toContain('Price: $129.00');
    }, 60_000);
  },
);

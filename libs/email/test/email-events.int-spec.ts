import { createEnvelope, orderConfirmed, userRegistered } from '@coursehub/contracts';
import { SmtpSink } from '@coursehub/embedded';
import {
  createTemporaryMongoDatabase,
  KafkaMockCluster,
  TemporaryMongoDatabase,
  TestTokenIssuer,
} from '@coursehub/testing';
import { MessageBus, TransportKind } from '@coursehub/messaging';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { EmailsService } from '../src/domain/emails.service';
import { eventually, sleep, startEmailApp } from './email-test-app';

/*
 * The e-mail service as composed: events arrive over the transport (Kafka through the librdkafka mock
 * cluster as in the split deployment, or in-process as in the platform), e-mails leave through SMTP
 * (SmtpSink), records live in MongoDB.
 */
describe.each<TransportKind>(['in-process', 'kafka'])(
  'e-mail service consuming events (%s transport)',
  (transport) => {
    let cluster: KafkaMockCluster | undefined;
    let database: TemporaryMongoDatabase;
    let sink: SmtpSink;
    let app: NestFastifyApplication;
    let bus: MessageBus;
    let emails: EmailsService;

    beforeAll(async () => {
      [cluster, database, sink] = await Promise.all([
        transport === 'kafka' ? KafkaMockCluster.start({ brokers: 1 }) : undefined,
        createTemporaryMongoDatabase('email_events'),
        SmtpSink.start(),
      ]);
      ({ app } = await startEmailApp(
        { mongoUrl: database.url, smtpUrl: sink.url },
        {
          LOG_LEVEL: process.env.EMAIL_TEST_LOG_LEVEL ?? 'silent',
          JWT_PUBLIC_KEY: new TestTokenIssuer().publicKeyPem,
          EMAIL_POLL_INTERVAL_MS: '50',
          ...(cluster
            ? {
                KAFKA_BROKERS: cluster.bootstrapServers.join(','),
                KAFKA_MAX_WAIT_MS: '50',
                KAFKA_IDEMPOTENT_PRODUCER: 'false',
                KAFKA_GROUP_ID: `email-${randomUUID()}`,
              }
            : {}),
        },
        transport,
      ));
      bus = app.get(MessageBus);
      emails = app.get(EmailsService);
    }, 60_000);

    afterAll(async () => {
      await app?.close();
      await Promise.all([cluster?.stop(), sink?.stop(), database?.drop()]);
    });

    const publish = (topic: string, envelope: { id: string; data: { userId: string } }) =>
      bus.publish({ topic, key: envelope.data.userId, value: envelope });
    const messagesTo = (address: string) => sink.messages.filter((message) => message.to.includes(address));
    /** The record of `eventId` once it is sent. */
    const sentRecordOf = (eventId: string, timeoutMs: number, what: string) =>
      eventually(
        async () => {
          const found = await emails.findByEventId(eventId);
          return found?.status === 'sent' ? found : undefined;
        },
        timeoutMs,
        what,
      );

    it('sends one welcome e-mail for user.registered and none for its redeliveries', async () => {
      const userId = randomUUID();
      const event = createEnvelope(
        userRegistered,
        { userId, email: `kafka-${userId.slice(0, 8)}@example.com`, displayName: 'Kafka Reader' },
        { producer: 'auth' },
      );
      await publish(userRegistered.topic, event);
      await sink.waitForMessages(1, 30_000);
      const record = await sentRecordOf(event.id, 10_000, 'the sent record');
      expect(record).toMatchObject({
        status: 'sent',
        attempts: 1,
        to: event.data.email,
        template: 'welcome',
      });
      expect(messagesTo(event.data.email)).toHaveLength(1);

      await publish(userRegistered.topic, event);
      await publish(userRegistered.topic, event);
      // A later event on the same partition proves the redeliveries were consumed before it.
      const marker = createEnvelope(
        userRegistered,
        { userId, email: event.data.email, displayName: 'Kafka Reader' },
        { producer: 'auth' },
      );
      await publish(userRegistered.topic, marker);
      await eventually(
        async () => (await emails.findByEventId(marker.id))?.status === 'sent',
        20_000,
        'marker',
      );
      await sleep(200);
      const welcomes = (await emails.list({ recipient: event.data.email, limit: 10 })).items;
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
      await publish(orderConfirmed.topic, confirmed);
      const waiting = await eventually(
        async () => (await emails.findByEventId(confirmed.id)) ?? undefined,
        30_000,
        'the waiting record',
      );
      expect(waiting).toMatchObject({ status: 'pending', to: null });

      const email = `late-${userId.slice(0, 8)}@example.com`;
      await publish(
        userRegistered.topic,
        createEnvelope(
          userRegistered,
          { userId, email, displayName: 'Late Projection' },
          { producer: 'auth' },
        ),
      );
      const sent = await sentRecordOf(confirmed.id, 30_000, 'the confirmation to be sent');
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

import { createEnvelope, orderConfirmed, userRegistered } from '@coursehub/contracts';
import { startTracing, Tracing } from '@coursehub/core/tracing-sdk';
import { EmailModule } from '@coursehub/email';
import { SmtpSink } from '@coursehub/embedded';
import { createRootModule, MessageBus, startApp, TransportKind } from '@coursehub/messaging';
import { OrderModule } from '@coursehub/order';
import {
  apiCall,
  createTemporaryDatabase,
  createTemporaryMongoDatabase,
  eventually,
  KafkaMockCluster,
  TemporaryDatabase,
  TemporaryMongoDatabase,
  TestTokenIssuer,
} from '@coursehub/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CourseStubModule, InMemoryCourseCatalogue } from '../../libs/order/test/course-stub';

/*
 * One trace from `POST /orders` to the SMTP relay. The order, a course stand-in and the e-mail
 * feature run in one process, on the in-process transport and over Kafka (the mock cluster), with
 * real PostgreSQL, the Mongo wire server and the SMTP sink, and the tracing SDK exporting to memory.
 * The request's server span comes from the Fastify instrumentation (jest's module loader hides
 * `http` from the HTTP instrumentation; tracing-sdk.int-spec.ts covers that one in a real process).
 * The trace crosses the outbox (its `traceparent` column), the relay's producer span, the Kafka
 * headers or the in-process envelope, and the e-mail consumer's span into the SMTP send.
 */

describe.each<TransportKind>(['in-process', 'kafka'])(
  'tracing of POST /orders (%s transport)',
  (transport) => {
    const exporter = new InMemorySpanExporter();
    const consumerGroup = transport === 'kafka' ? `trace-${randomUUID().slice(0, 8)}` : 'email';
    let cluster: KafkaMockCluster | undefined;
    const issuer = new TestTokenIssuer();
    let tracing: Tracing;
    let orderDatabase: TemporaryDatabase;
    let mongo: TemporaryMongoDatabase;
    let sink: SmtpSink;
    let app: NestFastifyApplication;
    let url: string;

    beforeAll(async () => {
      tracing = startTracing({ serviceName: 'coursehub-trace-test', exporter });
      [orderDatabase, mongo, sink, cluster] = await Promise.all([
        createTemporaryDatabase('trace_order'),
        createTemporaryMongoDatabase('trace_email'),
        SmtpSink.start(),
        transport === 'kafka' ? KafkaMockCluster.start({ brokers: 1 }) : undefined,
      ]);
      const root = createRootModule({
        service: 'trace-test',
        transport,
        features: [
          OrderModule.register(),
          CourseStubModule.register(),
          EmailModule.register({ mongoUrl: mongo.url, smtpUrl: sink.url }),
        ],
        env: {
          ...process.env,
          DATABASE_URL: orderDatabase.url,
          JWT_PUBLIC_KEY: issuer.publicKeyPem,
          LOG_LEVEL: 'silent',
          OUTBOX_POLL_MS: '50',
          // Only the consumer's kick sends: no poll runs the delivery outside the event's trace.
          EMAIL_POLL_INTERVAL_MS: '600000',
          ...(cluster
            ? {
                KAFKA_BROKERS: cluster.bootstrapServers.join(','),
                KAFKA_MAX_WAIT_MS: '50',
                KAFKA_IDEMPOTENT_PRODUCER: 'false',
                KAFKA_GROUP_ID: consumerGroup,
              }
            : {}),
        },
      });
      ({ app, url } = await startApp(root, {
        title: 'trace test',
        listenOn: { port: 0, host: '127.0.0.1' },
      }));
      // Over Kafka, requests wait for the consumer group and the reply consumer.
      const ready = await eventually(
        async () => (await fetch(`${url}/health/ready`)).status,
        (status) => status === 200,
        60_000,
      );
      expect(ready).toBe(200);
    }, 90_000);

    afterAll(async () => {
      await app?.close();
      await tracing?.shutdown();
      await Promise.all([sink?.stop(), mongo?.drop(), orderDatabase?.drop(), cluster?.stop()]);
    });

    it('follows one order from the HTTP request through the outbox and the e-mail consumer to SMTP', async () => {
      const student = await issuer.persona(['student']);
      const email = `traced-${student.id.slice(0, 8)}@example.com`;
      // The e-mail feature learns the student's address from user.registered first.
      await app.get(MessageBus).publish({
        topic: userRegistered.topic,
        key: student.id,
        value: createEnvelope(
          userRegistered,
          { userId: student.id, email, displayName: 'Traced Student' },
          { producer: 'auth' },
        ),
      });
      await sink.waitForMessages(1, 30_000);
      // The order feature needs a course, not the course feature: the stub answers `course.get` only.
      const course = app.get(InMemoryCourseCatalogue).add({ title: 'Tracing in Practice', price: 49_00 });
      // Let the welcome e-mail's delivery settle, so the next one starts from the order's event.
      await new Promise((resolve) => setTimeout(resolve, 300));
      exporter.reset();

      const placed = await apiCall(url, 'POST', '/orders', {
        token: student.token,
        body: { courseId: course.id },
      });
      expect(placed.status).toBe(201);
      await sink.waitForMessages(2, 30_000);
      const spans = await eventually(
        () => exporter.getFinishedSpans(),
        (ended) => ended.some((span) => span.name === 'smtp send'),
        10_000,
      );

      const server = spans.find(
        (span) =>
          span.kind === SpanKind.SERVER &&
          (span.attributes['url.path'] ?? span.attributes['http.target']) === '/orders',
      );
      expect(server).toBeDefined();
      const traceId = server!.spanContext().traceId;
      const inTrace = spans.filter((span) => span.spanContext().traceId === traceId);
      const byId = new Map(inTrace.map((span) => [span.spanContext().spanId, span]));
      const parentOf = (span: ReadableSpan) => byId.get(span.parentSpanContext?.spanId ?? '');
      const ancestry = (span: ReadableSpan): string[] => {
        const names: string[] = [];
        for (let current = parentOf(span); current; current = parentOf(current)) names.push(current.name);
        return names;
      };

      const send = inTrace.find((span) => span.name === `publish ${orderConfirmed.topic}`);
      const consume = inTrace.find((span) => span.name === `handle ${orderConfirmed.topic}`);
      const smtp = inTrace.find((span) => span.name === 'smtp send');
      expect({ send: send?.kind, consume: consume?.kind, smtp: smtp?.kind }).toEqual({
        send: SpanKind.PRODUCER,
        consume: SpanKind.CONSUMER,
        smtp: SpanKind.CLIENT,
      });
      // Each hop is a child of the one before, back to the HTTP request.
      expect(parentOf(consume!)).toBe(send);
      expect(ancestry(send!)).toContain(server!.name);
      expect(ancestry(smtp!)).toEqual(expect.arrayContaining([consume!.name, send!.name, server!.name]));
      expect(consume!.attributes).toMatchObject({
        'messaging.destination.name': orderConfirmed.topic,
        'messaging.consumer.group.name': consumerGroup,
      });
      expect(smtp!.attributes['email.message_id']).toEqual(expect.stringContaining('@'));
      const orderRow = await app
        .get<DataSource>(getDataSourceToken('order'))
        .query<{ traceparent: string }[]>('SELECT traceparent FROM outbox_messages WHERE topic = $1', [
          orderConfirmed.topic,
        ]);
      expect(orderRow).toEqual([
        { traceparent: expect.stringMatching(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`)) },
      ]);
      console.log(
        `${transport}: trace ${traceId}: ${inTrace.length} spans from ${server!.name} to smtp send: ` +
          [...new Set(inTrace.map((span) => span.name))].join(', '),
      );
    }, 60_000);
  },
);

import { courseGet, EventEnvelope, orderCancelled, orderConfirmed } from '@coursehub/contracts';
import { CourseModule } from '@coursehub/course';
import { createRootModule, FeatureModule, startApp } from '@coursehub/messaging';
import { ORDER_FEATURE, OrderModule } from '@coursehub/order';
import {
  apiCall,
  createTemporaryDatabase,
  KafkaMockCluster,
  TemporaryDatabase,
  type Persona,
} from '@coursehub/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { OrderedCourse } from '../../libs/order/test/order-expectations';
import { OrdersUnderTest } from '../../libs/order/test/orders-under-test';

export type { OrderedCourse };

/** Broker 1 serves `course.get` and the group coordinators; broker 3 leads the order event topics. */
export const STEADY_BROKER = 1;
export const ORDER_EVENTS_BROKER = 3;
const REQUEST_TOPICS = [courseGet.topic, `${courseGet.topic}.reply`];
const ORDER_EVENT_TOPICS = [orderConfirmed.topic, orderCancelled.topic];

/**
 * The course and order services, each its own root with its own database, talking over Kafka
 * (the librdkafka mock cluster), plus a plain kafkajs consumer that records the order events as
 * any other service would receive them.
 */
export class OrderOverKafkaEnvironment extends OrdersUnderTest {
  readonly orderEvents: EventEnvelope[] = [];
  cluster!: KafkaMockCluster;
  courseDatabase!: TemporaryDatabase;
  orderDatabase!: TemporaryDatabase;
  course?: { app: NestFastifyApplication; url: string };
  order!: { app: NestFastifyApplication; url: string };
  orderDataSource!: DataSource;
  private eventConsumer?: Consumer;
  private readonly run = randomUUID().slice(0, 8);
  private readonly groups = {
    course: `course-${this.run}`,
    order: `order-${this.run}`,
    probe: `probe-${this.run}`,
  };

  async start(): Promise<void> {
    [this.courseDatabase, this.orderDatabase] = await Promise.all([
      createTemporaryDatabase('order_kafka_course'),
      createTemporaryDatabase('order_kafka_order'),
    ]);
    this.cluster = await KafkaMockCluster.start({
      brokers: 3,
      topics: [...REQUEST_TOPICS, ...ORDER_EVENT_TOPICS].map((name) => ({ name, partitions: 1 })),
    });
    for (const topic of REQUEST_TOPICS) await this.cluster.setPartitionLeader(topic, 0, STEADY_BROKER);
    for (const topic of ORDER_EVENT_TOPICS)
      await this.cluster.setPartitionLeader(topic, 0, ORDER_EVENTS_BROKER);
    for (const group of Object.values(this.groups))
      await this.cluster.setCoordinator('group', group, STEADY_BROKER);

    await this.startCourseService();
    this.order = await this.startService('order', OrderModule.register(), this.orderDatabase);
    this.orderDataSource = this.order.app.get<DataSource>(getDataSourceToken(ORDER_FEATURE));
    await this.startEventConsumer();
  }

  /** One service's own root on Kafka, with its database and consumer group. */
  private startService(service: 'course' | 'order', feature: FeatureModule, database: TemporaryDatabase) {
    const root = createRootModule({
      service,
      transport: 'kafka',
      features: [feature],
      env: this.envOf(database, this.groups[service]),
    });
    return startApp(root, { title: `${service} test`, listenOn: { port: 0, host: '127.0.0.1' } });
  }

  /** Each root validates its own environment, so the two services differ in one process. */
  private envOf(database: TemporaryDatabase, groupId: string): Record<string, string | undefined> {
    return {
      ...process.env,
      DATABASE_URL: database.url,
      KAFKA_GROUP_ID: groupId,
      JWT_PUBLIC_KEY: this.issuer.publicKeyPem,
      LOG_LEVEL: process.env.ORDER_TEST_LOG_LEVEL ?? 'silent',
      KAFKA_BROKERS: this.cluster.bootstrapServers.join(','),
      KAFKA_MAX_WAIT_MS: '50',
      KAFKA_IDEMPOTENT_PRODUCER: 'false',
      KAFKA_REQUEST_TIMEOUT_MS: '4000',
      // The mock completes a rebalance only when the session timeout runs out: keep it short.
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      OUTBOX_POLL_MS: '50',
      MESSAGING_RETRY_BASE_MS: '20',
    };
  }

  async startCourseService(): Promise<void> {
    this.course = await this.startService('course', CourseModule.register(), this.courseDatabase);
  }

  async stopCourseService(): Promise<void> {
    await this.course?.app.close();
    this.course = undefined;
  }

  private async startEventConsumer(): Promise<void> {
    const kafka = new Kafka({
      brokers: this.cluster.bootstrapServers,
      clientId: 'order-test-probe',
      logLevel: logLevel.NOTHING,
    });
    // A short session: the mock finishes a rebalance (after a broker outage) only when it runs out.
    const consumer = kafka.consumer({
      groupId: this.groups.probe,
      maxWaitTimeInMs: 50,
      sessionTimeout: 6_000,
      heartbeatInterval: 600,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: ORDER_EVENT_TOPICS, fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachMessage: ({ message }) => {
        if (message.value) this.orderEvents.push(JSON.parse(message.value.toString()) as EventEnvelope);
        return Promise.resolve();
      },
    });
    await joined;
    this.eventConsumer = consumer;
  }

  /** A course created through the course service's API, published unless `draft`. */
  async createCourse(
    instructor: Persona,
    input: { title: string; price: number; draft?: boolean },
  ): Promise<OrderedCourse> {
    const created = await apiCall(this.course!.url, 'POST', '/courses', {
      token: instructor.token,
      body: {
        title: input.title,
        summary: 'A course used by the order tests.',
        tags: ['testing'],
        category: 'development',
        level: 'beginner',
        language: 'en',
        price: input.price,
        currency: 'EUR',
      },
    });
    if (created.status !== 201) throw new Error(`creating a course failed: ${JSON.stringify(created.body)}`);
    if (!input.draft) {
      const published = await apiCall(this.course!.url, 'POST', `/courses/${created.body.id}/publish`, {
        token: instructor.token,
      });
      if (published.status !== 200) throw new Error(`publishing failed: ${JSON.stringify(published.body)}`);
    }
    return { id: created.body.id as string, title: input.title, price: input.price };
  }

  protected get orderServiceUrl(): string {
    return this.order.url;
  }

  protected get orderStore(): DataSource {
    return this.orderDataSource;
  }

  protected get receivedOrderEvents(): readonly EventEnvelope[] {
    return this.orderEvents;
  }

  async stop(): Promise<void> {
    await this.eventConsumer?.disconnect();
    await this.order?.app.close();
    await this.course?.app.close();
    await this.cluster?.stop();
    await this.orderDatabase?.drop();
    await this.courseDatabase?.drop();
  }
}

import { EventEnvelope, orderCancelled, orderConfirmed } from '@coursehub/contracts';
import { ConsumeEvent } from '@coursehub/messaging';
import {
  createTemporaryDatabase,
  eventually,
  startLocalApp,
  TemporaryDatabase,
  type Persona,
} from '@coursehub/testing';
import { Controller, Injectable } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ORDER_FEATURE, OrderModule } from '../src';
import { CourseStubModule, InMemoryCourseCatalogue } from './course-stub';
import { OrdersUnderTest } from './orders-under-test';

export { eventually };

/** The order events, as a consumer of them receives them. */
@Injectable()
class OrderEventLog {
  readonly events: EventEnvelope[] = [];
}

@Controller()
class OrderEventRecorder {
  constructor(private readonly log: OrderEventLog) {}

  @ConsumeEvent(orderConfirmed)
  confirmed(@Payload() envelope: EventEnvelope): void {
    this.log.events.push(envelope);
  }

  @ConsumeEvent(orderCancelled)
  cancelled(@Payload() envelope: EventEnvelope): void {
    this.log.events.push(envelope);
  }
}

export type { Persona };

/** The order feature in one process with a stub course feature (in-process transport, real PostgreSQL). */
export class OrderTestApp extends OrdersUnderTest {
  database!: TemporaryDatabase;
  app!: NestFastifyApplication;
  url!: string;
  dataSource!: DataSource;
  catalogue!: InMemoryCourseCatalogue;
  private orderEvents!: OrderEventLog;

  async start(env: Record<string, string> = {}): Promise<void> {
    this.database = await createTemporaryDatabase('order_test');
    ({ app: this.app, url: this.url } = await startLocalApp({
      title: 'order test',
      service: 'order',
      features: [
        OrderModule.register(),
        // The stub course feature also records the order events, as a consumer of them would.
        CourseStubModule.register({ controllers: [OrderEventRecorder], providers: [OrderEventLog] }),
      ],
      env: {
        DATABASE_URL: this.database.url,
        JWT_PUBLIC_KEY: this.issuer.publicKeyPem,
        LOG_LEVEL: process.env.ORDER_TEST_LOG_LEVEL ?? 'silent',
        OUTBOX_POLL_MS: '50',
        KAFKA_REQUEST_TIMEOUT_MS: '2000',
        ...env,
      },
    }));
    this.dataSource = this.app.get<DataSource>(getDataSourceToken(ORDER_FEATURE));
    this.catalogue = this.app.get(InMemoryCourseCatalogue);
    this.orderEvents = this.app.get(OrderEventLog);
  }

  async stop(): Promise<void> {
    await this.app?.close();
    await this.database?.drop();
  }

  protected get orderServiceUrl(): string {
    return this.url;
  }

  protected get orderStore(): DataSource {
    return this.dataSource;
  }

  protected get receivedOrderEvents(): readonly EventEnvelope[] {
    return this.orderEvents.events;
  }
}

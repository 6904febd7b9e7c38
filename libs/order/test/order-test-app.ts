import {
  courseGet,
  CourseSnapshot,
  EventEnvelope,
  orderCancelled,
  orderConfirmed,
  ReplyOf,
  RequestOf,
} from '@coursehub/contracts';
import type { Role } from '@coursehub/core';
import {
  AnswerRequest,
  ConsumeEvent,
  createRootModule,
  defineFeature,
  FeatureModule,
  startApp,
} from '@coursehub/messaging';
import {
  apiCall,
  createTemporaryDatabase,
  eventually,
  TemporaryDatabase,
  TestTokenIssuer,
  type Persona,
  type ApiCallOptions,
  type ApiCallResult,
} from '@coursehub/testing';
import { Controller, Injectable } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ORDER_FEATURE, OrderModule } from '../src';

export { eventually };

/** The course service as the order feature sees it: `course.get` answers from memory. */
@Injectable()
export class InMemoryCourseCatalogue {
  readonly courses = new Map<string, CourseSnapshot>();
  /** While false, `course.get` fails as a course service that is down. */
  answering = true;
  /** The order events, as a consumer of them receives them. */
  readonly orderEvents: EventEnvelope[] = [];

  add(input: { title: string; price: number; status?: CourseSnapshot['status'] }): CourseSnapshot {
    const course: CourseSnapshot = {
      id: randomUUID(),
      slug: `${input.title.toLowerCase().replace(/\W+/g, '-')}-${randomUUID().slice(0, 8)}`,
      title: input.title,
      status: input.status ?? 'published',
      instructorId: randomUUID(),
      category: 'development',
      tags: ['testing'],
      price: input.price,
      currency: 'EUR',
    };
    this.courses.set(course.id, course);
    return course;
  }
}

@Controller()
class CourseStubHandlers {
  constructor(private readonly catalogue: InMemoryCourseCatalogue) {}

  @AnswerRequest(courseGet)
  answer(@Payload() request: RequestOf<typeof courseGet>): ReplyOf<typeof courseGet> {
    if (!this.catalogue.answering) throw new Error('course service down');
    const course = this.catalogue.courses.get(request.courseId);
    return course ? { found: true, course } : { found: false };
  }

  @ConsumeEvent(orderConfirmed)
  confirmed(@Payload() envelope: EventEnvelope): void {
    this.catalogue.orderEvents.push(envelope);
  }

  @ConsumeEvent(orderCancelled)
  cancelled(@Payload() envelope: EventEnvelope): void {
    this.catalogue.orderEvents.push(envelope);
  }
}

/** A stand-in course feature without a database: answers `course.get`, records order events. */
class CourseStubModule {
  static register(): FeatureModule {
    return defineFeature(CourseStubModule, {
      name: 'course-stub',
      consumesMessages: true,
      controllers: [CourseStubHandlers],
      providers: [InMemoryCourseCatalogue],
    });
  }
}

export type { Persona };

/** The order feature in one process with a stub course feature (in-process transport, real PostgreSQL). */
export class OrderTestApp {
  readonly issuer = new TestTokenIssuer();
  database!: TemporaryDatabase;
  app!: NestFastifyApplication;
  url!: string;
  dataSource!: DataSource;
  catalogue!: InMemoryCourseCatalogue;

  async start(env: Record<string, string> = {}): Promise<void> {
    this.database = await createTemporaryDatabase('order_test');
    const root = createRootModule({
      service: 'order',
      transport: 'in-process',
      features: [OrderModule.register(), CourseStubModule.register()],
      env: {
        ...process.env,
        DATABASE_URL: this.database.url,
        JWT_PUBLIC_KEY: this.issuer.publicKeyPem,
        LOG_LEVEL: process.env.ORDER_TEST_LOG_LEVEL ?? 'silent',
        OUTBOX_POLL_MS: '50',
        KAFKA_REQUEST_TIMEOUT_MS: '2000',
        ...env,
      },
    });
    ({ app: this.app, url: this.url } = await startApp(root, {
      title: 'order test',
      listenOn: { port: 0, host: '127.0.0.1' },
    }));
    this.dataSource = this.app.get<DataSource>(getDataSourceToken(ORDER_FEATURE));
    this.catalogue = this.app.get(InMemoryCourseCatalogue);
  }

  async stop(): Promise<void> {
    await this.app?.close();
    await this.database?.drop();
  }

  persona(roles: Role[]): Promise<Persona> {
    return this.issuer.persona(roles);
  }

  orders(method: string, path: string, options: ApiCallOptions = {}): Promise<ApiCallResult> {
    return apiCall(this.url, method, path, options);
  }

  orderRows(where = 'true', params: unknown[] = []): Promise<{ id: string; status: string }[]> {
    return this.dataSource.query(`SELECT id, status FROM orders WHERE ${where}`, params);
  }

  /** One order's events in the order they happened. */
  eventsOf(orderId: string): EventEnvelope<{ orderId: string }>[] {
    return (this.catalogue.orderEvents as EventEnvelope<{ orderId: string }>[])
      .filter((event) => event.data.orderId === orderId)
      .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  }
}

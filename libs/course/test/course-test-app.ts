import type { Role } from '@coursehub/core';
import {
  createRootModule,
  FeatureModule,
  MessageBus,
  TransportKind,
  defineFeature,
} from '@coursehub/messaging';
import {
  createTemporaryDatabase,
  eventually,
  KafkaMockCluster,
  startLocalApp,
  TemporaryDatabase,
  TestTokenIssuer,
  type Persona,
} from '@coursehub/testing';
import { courseGet, createEnvelope, type EventContract, type EventData } from '@coursehub/contracts';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { mapValues } from 'es-toolkit';
import { DataSource } from 'typeorm';
import { CourseModule } from '../src';
import { COURSE_FEATURE } from '../src/course.constants';
import { sampleCourse } from '../src/domain/sample-course.fixture';

export { eventually };

export type { Persona };

export interface CourseTestApp {
  app: NestFastifyApplication;
  url: string;
  database: TemporaryDatabase;
  dataSource: DataSource;
  issuer: TestTokenIssuer;
  persona(roles: Role[]): Promise<Persona>;
  api(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  /** Creates a course of `by` from `courseInput(overrides)`, and publishes it unless told not to. */
  createCourse(
    by: Persona,
    overrides?: Record<string, unknown>,
    options?: { publish?: boolean },
  ): Promise<CreatedCourse>;
  close(): Promise<void>;
}

/** A course as `POST /courses` answers it, the fields tests use. */
export interface CreatedCourse {
  id: string;
  slug: string;
  title: string;
  status: string;
}

interface CallOptions {
  body?: unknown;
  token?: string;
}

interface CallResult {
  status: number;

  body: any;
}

/** The server temporary databases are created on (tools/jest/integration-env.js sets it). */
const POSTGRES_SERVER_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The real course service root (in-process transport unless told otherwise) on the given database,
 * accepting `issuer`'s tokens: for tests that start it more than once on one database.
 */
export async function startCourseService(
  database: TemporaryDatabase,
  issuer: TestTokenIssuer,
  options: { transport?: TransportKind; env?: Record<string, string> } = {},
) {
  return startLocalApp({
    title: 'course test',
    service: 'course',
    transport: options.transport,
    features: [CourseModule.register()],
    env: {
      DATABASE_URL: database.url,
      JWT_PUBLIC_KEY: issuer.publicKeyPem,
      LOG_LEVEL: 'silent',
      OUTBOX_POLL_MS: '50',
      MESSAGING_RETRY_BASE_MS: '20',
      ...options.env,
    },
  });
}

/** The real course service root (in-process transport unless told otherwise) on a fresh database. */
export async function startCourseTestApp(
  options: { transport?: TransportKind; env?: Record<string, string> } = {},
): Promise<CourseTestApp> {
  const database = await createTemporaryDatabase('course_test', POSTGRES_SERVER_URL);
  const issuer = new TestTokenIssuer();
  const { app, url } = await startCourseService(database, issuer, options);
  const api = async (method: string, path: string, call: CallOptions = {}): Promise<CallResult> => {
    const response = await fetch(url + path, {
      method,
      headers: {
        ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
      },
      body: call.body !== undefined ? JSON.stringify(call.body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  return {
    app,
    url,
    database,
    dataSource: app.get<DataSource>(getDataSourceToken(COURSE_FEATURE)),
    issuer,
    persona: (roles) => issuer.persona(roles),
    api,
    createCourse: async (by, overrides = {}, { publish = true } = {}) => {
      const created = await api('POST', '/courses', { token: by.token, body: courseInput(overrides) });
      expect(created.status).toBe(201);
      if (!publish) return created.body as CreatedCourse;
      const published = await api('POST', `/courses/${created.body.id}/publish`, { token: by.token });
      expect(published.status).toBe(200);
      return published.body as CreatedCourse;
    },
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

/** The order service's side of `course.get`: a feature with no database that only asks. */
@Module({})
class OrderProbeModule {
  static register(): FeatureModule {
    return defineFeature(OrderProbeModule, { name: 'order-probe', requestTopics: [courseGet.topic] });
  }
}

/**
 * Stands in for the order service: another app on the same transport that asks `course.get` and
 * announces order events through its `MessageBus`.
 */
export async function startOrderProbe(
  transport: TransportKind,
  env: Record<string, string>,
): Promise<INestApplicationContext> {
  const root = createRootModule({
    service: 'order-probe',
    transport,
    features: [OrderProbeModule.register()],
    env: { ...process.env, ...env },
  });
  // No HTTP and no consumer: the probe only publishes and asks.
  const context = await NestFactory.createApplicationContext(root, { logger: false });
  await context.init();
  return context;
}

export interface CourseServiceWithProbe {
  service: CourseTestApp;
  /** The probe's bus: publishes order events and asks `course.get` as the order service would. */
  bus: MessageBus;
  close(): Promise<void>;
}

/** The course service and an order-service stand-in on one transport (a fresh mock cluster for Kafka). */
export async function startCourseServiceWithProbe(transport: TransportKind): Promise<CourseServiceWithProbe> {
  const env: Record<string, string> = {};
  const stamp = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const cluster = transport === 'kafka' ? await KafkaMockCluster.start({ brokers: 1 }) : undefined;
  if (cluster) {
    Object.assign(env, {
      KAFKA_BROKERS: cluster.bootstrapServers.join(','),
      KAFKA_MAX_WAIT_MS: '50',
      KAFKA_IDEMPOTENT_PRODUCER: 'false',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_GROUP_ID: `course-${stamp}`,
    });
  }
  const service = await startCourseTestApp({ transport, env });
  const probe = await startOrderProbe(transport, {
    ...env,
    JWT_PUBLIC_KEY: service.issuer.publicKeyPem,
    KAFKA_GROUP_ID: `order-probe-${stamp}`,
  });
  return {
    service,
    bus: probe.get(MessageBus),
    close: async () => {
      await probe.close();
      await service.close();
      await cluster?.stop();
    },
  };
}

/** Who the catalogue and curriculum tests act as. */
export interface Cast {
  owner: Persona;
  otherInstructor: Persona;
  student: Persona;
  admin: Persona;
}

/** What the tests of a `describe` act with: the running service, its `api` and a cast of personas. */
export interface CourseTestSetup extends Cast {
  service: CourseTestApp;
  /** `service.api`. */
  api: CourseTestApp['api'];
}

const CAST_ROLES: Record<keyof Cast, Role> = {
  owner: 'instructor',
  otherInstructor: 'instructor',
  student: 'student',
  admin: 'admin',
};

/**
 * Runs the course service (in-process) around the tests of the enclosing `describe`, with a cast of
 * personas: started before them, closed after them. The objects it returns are filled in once the
 * service has started, so the `describe` body can destructure them at once and use them in its
 * tests and helpers: `const { api, owner } = useCourseTestApp();`.
 */
export function useCourseTestApp(): CourseTestSetup {
  const service = {} as CourseTestApp;
  const cast = mapValues(CAST_ROLES, () => ({}) as Persona);
  let started: CourseTestApp | undefined;
  beforeAll(async () => {
    started = await startCourseTestApp();
    Object.assign(service, started);
    await Promise.all(
      Object.entries(CAST_ROLES).map(async ([name, role]) =>
        Object.assign(cast[name as keyof Cast], await service.persona([role])),
      ),
    );
  });
  afterAll(() => started?.close());
  return { service, api: (...args) => service.api(...args), ...cast };
}

/** A running course service and probe, with an instructor persona to write courses as. */
export interface CourseServiceSetup extends CourseServiceWithProbe {
  instructor: Persona;
}

/**
 * Runs the course service and an order probe on `transport` around the tests of the enclosing
 * `describe`: started (with an instructor persona) before them and handed to `ready`, closed after.
 */
export function useCourseServiceWithProbe(
  transport: TransportKind,
  ready: (running: CourseServiceSetup) => void | Promise<void>,
): void {
  let running: CourseServiceWithProbe | undefined;
  beforeAll(async () => {
    running = await startCourseServiceWithProbe(transport);
    await ready({ ...running, instructor: await running.service.persona(['instructor']) });
  });
  afterAll(() => running?.close());
}

/** Announces `contract` with `data` on `bus` as `producer` would (keyed by `key`); returns the envelope. */
export async function announceOn<Contract extends EventContract>(
  bus: MessageBus,
  contract: Contract,
  data: EventData<Contract>,
  key: string,
  producer = 'order',
) {
  const envelope = createEnvelope(contract, data, { producer });
  await bus.publish({ topic: contract.topic, key, value: envelope });
  return envelope;
}

/** A valid `POST /courses` body; `overrides` may make it invalid on purpose. */
export function courseInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...sampleCourse(), ...overrides };
}

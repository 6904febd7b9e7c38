import { DatabaseConnectionSettings } from '@coursehub/core';
import type { CourseFeatures } from '@coursehub/course/recommendations';
import { MongoWireServer, SmtpSink } from '@coursehub/embedded';
import { createTemporaryDatabase, TemporaryDatabase, TestTokenIssuer } from '@coursehub/testing';
import { startApp } from '@coursehub/messaging';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { platformModule } from '../apps/platform/src/platform.module';
import { Benchmark, Figure, latencyFigures, waitFor } from './support/figures';
import { HttpRequestSpec, measureRoute, runLoad } from './support/load';
import { postgresServerUrl, withEnv } from './support/infrastructure';
import { SeededRandom } from './support/random';
import { syntheticCatalogue } from './support/synthetic-catalogue';

/*
 * Key routes of the single-process platform (apps/platform's root module, in-process transport)
 * on a database per feature on the local PostgreSQL server, the embedded MongoDB wire server and
 * SMTP sink. The catalogue is seeded through the API; tokens are signed with the platform's own
 * signing key (handed to it as JWT_PRIVATE_KEY), so the order and recommendation users need no
 * registration (their order e-mails wait for a user projection that never comes, which the e-mail
 * worker's sweep keeps looking for). POST /auth/login is measured on its own: argon2id dominates it.
 */

const COURSES = 1_000;
const STUDENTS = 200;
const ORDERS_PER_STUDENT = 5;
const READ_REQUESTS = 2_000;
const READ_CONCURRENCY = 16;
const ORDER_CONCURRENCY = 8;
const LOGIN_ACCOUNTS = 4;
const LOGIN_REQUESTS = 48;
const LOGIN_CONCURRENCY = 4;
const WARM_UP_REQUESTS = 200;
const PASSWORD = 'benchmark password 1';
const FEATURES = ['auth', 'course', 'order'] as const;

interface Platform {
  app: NestFastifyApplication;
  origin: string;
}

async function startPlatform(
  databases: Record<string, DatabaseConnectionSettings>,
  infrastructure: { mongoUrl: string; smtpUrl: string },
): Promise<Platform> {
  const root = platformModule({ transport: 'in-process', databases, ...infrastructure });
  const { app, url } = await startApp(root, {
    title: 'CourseHub benchmark',
    listenOn: { port: 0, host: '127.0.0.1' },
  });
  return { app, origin: url };
}

/** A request from the seeding and set-up steps, not measured. */
async function call<T>(
  origin: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(new URL(path, origin), {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index], index);
      }
    }),
  );
}

/** Creates the synthetic catalogue through POST /courses (and publishes the published ones); returns their ids. */
async function seedCatalogue(origin: string, instructorToken: string, courses: CourseFeatures[]) {
  const random = new SeededRandom(11);
  const ids: string[] = new Array<string>(courses.length);
  await inParallel(courses, 8, async (course, index) => {
    const created = await call<{ id: string }>(origin, 'POST', '/courses', instructorToken, {
      title: course.title,
      slug: `bench-course-${index}`,
      summary: course.summary,
      description: course.description,
      tags: course.tags,
      category: course.category,
      level: random.pick(['beginner', 'intermediate', 'advanced']),
      language: 'en',
      price: random.int(10) === 0 ? 0 : 900 + 100 * random.int(90),
      currency: 'EUR',
    });
    if (course.status === 'published') {
      await call(origin, 'POST', `/courses/${created.id}/publish`, instructorToken);
    }
    ids[index] = created.id;
  });
  return ids;
}

/** argon2id with the platform's settings, without HTTP, database or token work around it. */
async function argon2VerifyMs(): Promise<number[]> {
  const hash = await argon2.hash(PASSWORD, { type: argon2.argon2id });
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const started = performance.now();
    await argon2.verify(hash, PASSWORD);
    times.push(performance.now() - started);
  }
  return times;
}

async function measurePlatform(platform: Platform, issuer: TestTokenIssuer, log: (line: string) => void) {
  const { origin } = platform;
  const random = new SeededRandom(20_261_126);
  const catalogue = syntheticCatalogue(20_261_126, COURSES, 0);
  const seedStarted = performance.now();
  const instructorToken = await issuer.sign({ id: randomUUID(), roles: ['instructor'] });
  const courseIds = await seedCatalogue(origin, instructorToken, catalogue.courses);
  const published = courseIds.filter((_, index) => catalogue.courses[index].status === 'published');
  const publishedByTopic = new Map<number, string[]>();
  courseIds.forEach((id, index) => {
    if (catalogue.courses[index].status !== 'published') return;
    const topic = catalogue.courseTopics[index];
    publishedByTopic.set(topic, [...(publishedByTopic.get(topic) ?? []), id]);
  });
  const seedMs = performance.now() - seedStarted;
  log(`  seeded ${COURSES} courses in ${(seedMs / 1000).toFixed(1)} s`);

  const figures: Figure[] = [
    {
      name: 'POST /courses + publish, mean',
      value: seedMs / COURSES,
      unit: 'ms',
      notes: `the seeding: catalogue growing 0 → ${COURSES}, 8 in flight`,
    },
  ];
  const authorised = (token: string) => ({ authorization: `Bearer ${token}` });

  // GET /courses?q=…: a frequent word of a random topic, the way people search a topic.
  const searches: HttpRequestSpec[] = Array.from({ length: READ_REQUESTS + WARM_UP_REQUESTS }, () => ({
    method: 'GET',
    path: `/courses?q=${random.pick(catalogue.topicWords).slice(0, 3)[random.int(3)]}`,
  }));
  const sample = await call<{ total: number }>(origin, 'GET', searches[0].path);
  // GET /courses/:id of random published courses, anonymously.
  const lookups: HttpRequestSpec[] = Array.from({ length: READ_REQUESTS + WARM_UP_REQUESTS }, () => ({
    method: 'GET',
    path: `/courses/${random.pick(published)}`,
  }));
  for (const requests of [searches, lookups]) {
    await runLoad({
      origin,
      requests: requests.splice(0, WARM_UP_REQUESTS),
      concurrency: READ_CONCURRENCY,
      expectStatus: 200,
    });
  }
  figures.push(
    ...(await measureRoute(
      'GET /courses?q=',
      { origin, requests: searches, concurrency: READ_CONCURRENCY, expectStatus: 200 },
      `one word; ${COURSES} courses, e.g. ${sample.total} match`,
    )),
    ...(await measureRoute(
      'GET /courses/:id',
      { origin, requests: lookups, concurrency: READ_CONCURRENCY, expectStatus: 200 },
      'anonymous, random published course',
    )),
  );

  // POST /orders: every (student, course) pair once; each student's courses mostly from one topic.
  const students = await Promise.all(
    Array.from({ length: STUDENTS }, async () => {
      const id = randomUUID();
      return { id, token: await issuer.sign({ id, roles: ['student'] }) };
    }),
  );
  const topics = [...publishedByTopic.values()];
  const plans = students.map(() => {
    const topic = random.pick(topics);
    const chosen = new Set<string>();
    while (chosen.size < ORDERS_PER_STUDENT) {
      chosen.add(random.next() < 0.8 ? random.pick(topic) : random.pick(published));
    }
    return [...chosen];
  });
  const orders: HttpRequestSpec[] = [];
  for (let round = 0; round < ORDERS_PER_STUDENT; round++) {
    students.forEach((student, index) => {
      orders.push({
        method: 'POST',
        path: '/orders',
        headers: { ...authorised(student.token), 'idempotency-key': randomUUID() },
        body: JSON.stringify({ courseId: plans[index][round] }),
      });
    });
  }
  const warmUpOrders: HttpRequestSpec[] = await Promise.all(
    Array.from({ length: WARM_UP_REQUESTS / 4 }, async () => {
      const id = randomUUID();
      return {
        method: 'POST' as const,
        path: '/orders',
        headers: authorised(await issuer.sign({ id, roles: ['student'] })),
        body: JSON.stringify({ courseId: random.pick(published) }),
      };
    }),
  );
  await runLoad({ origin, requests: warmUpOrders, concurrency: ORDER_CONCURRENCY, expectStatus: 201 });
  figures.push(
    ...(await measureRoute(
      'POST /orders',
      { origin, requests: orders, concurrency: ORDER_CONCURRENCY, expectStatus: 201 },
      `${STUDENTS} students × ${ORDERS_PER_STUDENT} courses, Idempotency-Key; includes course.get in-process`,
    )),
  );

  // GET /courses/recommendations once the order events have reached the course feature.
  const courseData = platform.app.get<DataSource>(getDataSourceToken('course'));
  const expectedEnrolments = orders.length + warmUpOrders.length;
  await waitFor(
    `${expectedEnrolments} enrolments`,
    async () =>
      (await courseData.query<{ n: number }[]>('SELECT count(*)::int AS n FROM course_enrolments'))[0].n,
    (n) => n >= expectedEnrolments,
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  const recommendationRequests = (count: number): HttpRequestSpec[] =>
    Array.from({ length: count }, () => ({
      method: 'GET',
      path: '/courses/recommendations',
      headers: authorised(random.pick(students).token),
    }));
  await runLoad({
    origin,
    requests: recommendationRequests(WARM_UP_REQUESTS),
    concurrency: READ_CONCURRENCY,
    expectStatus: 200,
  });
  figures.push(
    ...(await measureRoute(
      'GET /courses/recommendations',
      {
        origin,
        requests: recommendationRequests(READ_REQUESTS),
        concurrency: READ_CONCURRENCY,
        expectStatus: 200,
      },
      `token; students with ${ORDERS_PER_STUDENT} enrolments, limit 10`,
    )),
  );

  // POST /auth/login: a few registered accounts, logged in again and again (throttle raised).
  const accounts = Array.from({ length: LOGIN_ACCOUNTS }, (_, index) => `bench-login-${index}@example.com`);
  for (const email of accounts)
    await call(origin, 'POST', '/auth/register', undefined, { email, password: PASSWORD });
  const logins = (count: number): HttpRequestSpec[] =>
    Array.from({ length: count }, (_, index) => ({
      method: 'POST',
      path: '/auth/login',
      body: JSON.stringify({ email: accounts[index % accounts.length], password: PASSWORD }),
    }));
  await runLoad({
    origin,
    requests: logins(LOGIN_CONCURRENCY),
    concurrency: LOGIN_CONCURRENCY,
    expectStatus: 200,
  });
  figures.push(
    ...(await measureRoute(
      'POST /auth/login',
      { origin, requests: logins(LOGIN_REQUESTS), concurrency: LOGIN_CONCURRENCY, expectStatus: 200 },
      'argon2id verify + token pair; AUTH_THROTTLE_LIMIT raised',
    )),
  );
  figures.push(
    ...latencyFigures(
      'argon2id verify alone',
      await argon2VerifyMs(),
      'the platform settings (64 MiB, t=3, p=4), 10 sequential, no HTTP',
      [50],
    ),
  );
  return figures;
}

export const httpBenchmark: Benchmark = async (log) => {
  const issuer = new TestTokenIssuer();
  const databases: TemporaryDatabase[] = [];
  let mongo: MongoWireServer | undefined;
  let smtp: SmtpSink | undefined;
  let platform: Platform | undefined;
  let restoreEnv: (() => void) | undefined;
  try {
    const settings: Record<string, DatabaseConnectionSettings> = {};
    for (const feature of FEATURES) {
      const database = await createTemporaryDatabase(`bench_http_${feature}`, postgresServerUrl());
      databases.push(database);
      settings[feature] = { url: database.url, poolSize: 10, timeoutMs: 5_000 };
    }
    mongo = await MongoWireServer.start();
    smtp = await SmtpSink.start();
    restoreEnv = withEnv({
      KAFKA_BROKERS: undefined,
      JWT_PRIVATE_KEY: issuer.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      AUTH_THROTTLE_LIMIT: '1000000',
    });
    const booted = performance.now();
    platform = await startPlatform(settings, { mongoUrl: `${mongo.url}coursehub_email`, smtpUrl: smtp.url });
    log(`  platform started in ${((performance.now() - booted) / 1000).toFixed(1)} s`);
    return await measurePlatform(platform, issuer, log);
  } finally {
    await platform?.app.close();
    restoreEnv?.();
    await smtp?.stop();
    await mongo?.stop();
    for (const database of databases) await database.drop();
  }
};

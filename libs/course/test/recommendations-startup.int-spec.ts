import { createEnvelope, orderConfirmed } from '@coursehub/contracts';
import { createTemporaryDatabase, eventually, TemporaryDatabase, TestTokenIssuer } from '@coursehub/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { EnrolmentsService } from '../src/domain/enrolments.service';
import { RecommendationModelService } from '../src/domain/recommendation-model.service';
import { courseInput, startCourseService } from './course-test-app';

/*
 * The course service's recommender across start-ups on one database: readiness never waits for a
 * model build (it runs in a worker thread), a restart serves the model the last build persisted,
 * and changes made while a build runs reach the model it produces.
 *
 * The catalogue is large enough (2 000 courses, 16 000 enrolments) that a build takes seconds in
 * the worker, seeded with SQL rather than the API to keep the test short.
 */

const POSTGRES_SERVER_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const COURSES = 2_000;
const STUDENTS = 4_000;
const TOPICS = [
  'sql query index postgres transaction schema join replication',
  'react component css html browser javascript layout hooks',
  'kubernetes docker container deployment cloud scaling queue kafka',
  'neural network regression classification tensor gradient dataset training',
  'drawing sketching illustration brush perspective anatomy shading ink',
  'marketing brand campaign audience advertising funnel conversion growth',
].map((words) => words.split(' '));

interface RunningService {
  app: NestFastifyApplication;
  url: string;
  recommendations: RecommendationModelService;
  close(): Promise<void>;
}

async function startService(database: TemporaryDatabase, issuer: TestTokenIssuer): Promise<RunningService> {
  const { app, url } = await startCourseService(database, issuer);
  return { app, url, recommendations: app.get(RecommendationModelService), close: () => app.close() };
}

/** A published catalogue in topics (text and enrolments follow them), written straight to the tables. */
async function seedCatalogue(databaseUrl: string): Promise<{ courseIds: string[]; studentIds: string[] }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const courseIds = Array.from({ length: COURSES }, () => randomUUID());
    const word = (topic: number, i: number) => TOPICS[topic][i % TOPICS[topic].length];
    const columns = courseIds.map((id, i) => {
      const topic = i % TOPICS.length;
      return {
        id,
        title: `${word(topic, i)} ${word(topic, i * 7 + 3)} ${i}`,
        summary: Array.from({ length: 8 }, (_, k) => word(topic, i * 3 + k * 5)).join(' '),
        tags: `{${word(topic, i)},${word(topic, i + 1)}}`,
        category: `category-${topic}`,
      };
    });
    await client.query(
      `INSERT INTO courses (id, title, slug, summary, description, tags, category, level, language, price,
                            currency, instructor_id, status, published_at)
       SELECT c.id, c.title, 'seeded-' || c.id, c.summary, c.summary, c.tags::text[], c.category, 'beginner',
              'en', 1000, 'EUR', $6, 'published', now()
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])
              AS c(id, title, summary, tags, category)`,
      [
        columns.map((c) => c.id),
        columns.map((c) => c.title),
        columns.map((c) => c.summary),
        columns.map((c) => c.tags),
        columns.map((c) => c.category),
        randomUUID(),
      ],
    );
    const studentIds = Array.from({ length: STUDENTS }, () => randomUUID());
    const perTopic = Math.floor(COURSES / TOPICS.length);
    const users: string[] = [];
    const courses: string[] = [];
    studentIds.forEach((student, s) => {
      const topic = s % TOPICS.length;
      for (let k = 0; k < 4; k++) {
        users.push(student);
        courses.push(courseIds[topic + TOPICS.length * ((s * 13 + k * 29) % perTopic)]);
      }
    });
    await client.query(
      `INSERT INTO course_enrolments (order_id, user_id, course_id)
       SELECT gen_random_uuid(), e.user_id, e.course_id FROM unnest($1::uuid[], $2::uuid[]) AS e(user_id, course_id)
       ON CONFLICT DO NOTHING`,
      [users, courses],
    );
    await client.query(
      `UPDATE courses c SET enrolment_count = n
         FROM (SELECT course_id, count(*)::int AS n FROM course_enrolments GROUP BY course_id) e
        WHERE e.course_id = c.id`,
    );
    // The first start's build (of the empty catalogue) may have been persisted: start from nothing.
    await client.query('DELETE FROM course_recommendation_snapshots');
    return { courseIds, studentIds };
  } finally {
    await client.end();
  }
}

describe('recommendations across start-ups', () => {
  const issuer = new TestTokenIssuer();
  let database: TemporaryDatabase;
  let running: RunningService | undefined;
  let catalogue: { courseIds: string[]; studentIds: string[] };

  const get = async (service: RunningService, path: string, userId?: string) => {
    const token = userId ? await issuer.sign({ id: userId, roles: ['student'] }) : undefined;
    const response = await fetch(service.url + path, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return {
      status: response.status,
      body: (await response.json()) as { items: unknown[] } & Record<string, unknown>,
    };
  };
  /** What a set of requests answers: similar courses and personal lists, as served. */
  const answers = async (service: RunningService) => {
    const result: unknown[] = [];
    for (const courseId of catalogue.courseIds.slice(0, 6)) {
      result.push((await get(service, `/courses/${courseId}/similar?limit=10`)).body.items);
    }
    for (const studentId of catalogue.studentIds.slice(0, 6)) {
      result.push((await get(service, '/courses/recommendations?limit=10', studentId)).body.items);
    }
    return result;
  };

  beforeAll(async () => {
    database = await createTemporaryDatabase('course_test', POSTGRES_SERVER_URL);
    // A first start runs the migrations; the catalogue arrives while it is down.
    const first = await startService(database, issuer);
    await first.close();
    catalogue = await seedCatalogue(database.url);
  });
  afterAll(async () => {
    await running?.close();
    await database?.drop();
  });

  it('is ready before the model is built, serving popularity until then', async () => {
    running = await startService(database, issuer);
    const ready = await get(running, '/health/ready');
    const whenReady = running.recommendations.stats();
    expect(ready.status).toBe(200);
    expect(whenReady.origin).not.toBe('build');

    const interim = await eventually(
      () => running!.recommendations.stats(),
      (stats) => stats.origin !== 'empty',
      10_000,
      5,
    );
    // No persisted model yet: the catalogue's counters, while the build (seconds, in a worker) runs.
    expect(interim).toMatchObject({ origin: 'popularity', courses: COURSES, building: true });
    const items = (await get(running, '/courses/recommendations?limit=5', randomUUID())).body.items;
    expect(items).toHaveLength(5);
    expect(items.every((item) => (item as { source: string }).source === 'popular')).toBe(true);

    await running.recommendations.started();
    expect(running.recommendations.stats()).toMatchObject({
      origin: 'build',
      courses: COURSES,
      enrolments: STUDENTS * 4,
      building: false,
    });
  });

  it('serves the persisted model at once after a restart, then its own build', async () => {
    const before = await answers(running!);
    const builtAt = running!.recommendations.stats().builtAt;
    await running!.close();
    running = undefined;

    running = await startService(database, issuer);
    const restored = await eventually(
      () => running!.recommendations.stats(),
      (stats) => stats.origin !== 'empty',
      10_000,
      5,
    );
    expect(restored).toMatchObject({ origin: 'snapshot', courses: COURSES, enrolments: STUDENTS * 4 });
    expect(restored.builtAt).toEqual(builtAt);
    expect(await answers(running)).toEqual(before);
    // Those answers came from the snapshot: this start's own build was still running.
    expect(running.recommendations.stats()).toMatchObject({ origin: 'snapshot', building: true });

    await running.recommendations.started();
    expect(running.recommendations.stats().origin).toBe('build');
    expect(running.recommendations.stats().builtAt.getTime()).toBeGreaterThan(builtAt.getTime());
    expect(await answers(running)).toEqual(before);
  });

  it('applies enrolments and course changes made while a build runs to the model it builds', async () => {
    const service = running!;
    const before = service.recommendations.stats();
    const rebuilding = service.recommendations.rebuild();
    // The worker has the database's data by now: what follows reaches the new model only by replay.
    await eventually(
      () => service.recommendations.stats(),
      (stats) => stats.workerRunning,
      10_000,
      5,
    );
    const student = randomUUID();
    const [course] = catalogue.courseIds;
    const data = {
      orderId: randomUUID(),
      userId: student,
      courseId: course,
      courseTitle: 'x',
      price: 1000,
      currency: 'EUR',
    };
    expect(
      await service.app
        .get(EnrolmentsService)
        .confirm(createEnvelope(orderConfirmed, data, { producer: 'order' })),
    ).toBe(true);
    const instructor = await issuer.persona(['instructor']);
    const created = await fetch(`${service.url}/courses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${instructor.token}` },
      body: JSON.stringify(courseInput({ title: 'Window functions in PostgreSQL', tags: ['sql'] })),
    });
    expect(created.status).toBe(201);
    expect(service.recommendations.stats()).toMatchObject({ workerRunning: true });

    await rebuilding;
    expect(service.recommendations.stats()).toMatchObject({
      origin: 'build',
      courses: COURSES + 1,
      users: before.users + 1,
      enrolments: before.enrolments + 1,
      building: false,
    });
    expect(service.recommendations.stats().builtAt.getTime()).toBeGreaterThan(before.builtAt.getTime());
  });
});

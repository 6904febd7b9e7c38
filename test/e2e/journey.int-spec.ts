/*
 * The product's main journey through the public HTTP APIs only, run against both deployments of
 * the same code: the platform (one process, in-process transport, embedded PGlite, MongoDB wire
 * server and SMTP sink) and the split deployment (auth, course, order and email as four Node
 * processes over the librdkafka mock cluster, on the local PostgreSQL). The apps' logs of the
 * latest run are in .tmp/e2e/<mode>/.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  type Account,
  build,
  call,
  type Deployment,
  eventually,
  type Mode,
  requestCount,
  SERVICES,
  type Service,
  startDeployment,
} from './support';

const ADMIN: Account = { email: 'admin@coursehub.test', password: 'admin-password-123' };

/** Both modes are in this file, so building here happens once per jest run. */
beforeAll(() => build(), 180_000);

describe.each<Mode>(['platform', 'split'])('the learning journey (%s)', (mode) => {
  const run = randomBytes(4).toString('hex');
  const account = (role: string, displayName: string) => ({
    email: `${role}-${run}@coursehub.test`,
    password: `${role}-password-1`,
    displayName,
  });
  const student = account('student', 'Sam Student');
  const instructor = account('instructor', 'Ida Instructor');
  /** Both courses are development courses in English, priced in euros. */
  const course = (fields: {
    title: string;
    summary: string;
    description: string;
    tags: string[];
    level: string;
    price: number;
  }) => ({ ...fields, category: 'development', language: 'en', currency: 'EUR' });
  const postgresCourse = course({
    title: 'Practical PostgreSQL',
    summary: 'Queries, indexes and transactions for application developers.',
    description: 'Write fast SQL: query plans, indexes, transactions and locking in PostgreSQL.',
    tags: ['postgresql', 'sql', 'databases'],
    level: 'beginner',
    price: 4900,
  });
  const streamingCourse = course({
    title: 'Event Streaming with Kafka',
    summary: 'Topics, consumer groups and the outbox pattern for databases and services.',
    description: 'Build event-driven services: Kafka topics, partitions, consumer groups, the outbox.',
    tags: ['kafka', 'events', 'databases'],
    level: 'intermediate',
    price: 2900,
  });

  let deployment: Deployment | undefined;
  /** What the journey created, for the checks after it. */
  const created = { studentId: '', instructorId: '', orderId: '', adminToken: '', certificateId: '' };

  const urls = (): Record<Service, string> => {
    if (!deployment) throw new Error(`the ${mode} deployment did not start`);
    return deployment.urls;
  };

  async function login(account: Account): Promise<string> {
    const response = await call(urls().auth, 'POST', '/auth/login', {
      body: { email: account.email, password: account.password },
    });
    expect(response).toMatchObject({ status: 200, body: { tokenType: 'Bearer' } });
    return response.body.accessToken as string;
  }

  beforeAll(async () => {
    deployment = await startDeployment(mode, ADMIN);
  }, 240_000);

  afterAll(async () => {
    await deployment?.stop();
  }, 60_000);

  it('registers, promotes, publishes, searches, orders idempotently, recommends and cancels', async () => {
    const { auth, course, order } = urls();

    const studentRegistration = await call(auth, 'POST', '/auth/register', { body: student });
    expect(studentRegistration).toMatchObject({
      status: 201,
      body: { email: student.email, roles: ['student'] },
    });
    created.studentId = studentRegistration.body.id;
    const instructorRegistration = await call(auth, 'POST', '/auth/register', { body: instructor });
    expect(instructorRegistration.status).toBe(201);
    created.instructorId = instructorRegistration.body.id;

    created.adminToken = await login(ADMIN);
    const promotion = await call(auth, 'PATCH', `/users/${created.instructorId}/roles`, {
      token: created.adminToken,
      body: { roles: ['student', 'instructor'] },
    });
    expect(promotion).toMatchObject({ status: 200, body: { id: created.instructorId } });
    expect([...promotion.body.roles].sort()).toEqual(['instructor', 'student']);

    // Roles travel in the access token: the instructor logs in after the promotion.
    const studentToken = await login(student);
    const instructorToken = await login(instructor);

    const courseIds: string[] = [];
    for (const draft of [postgresCourse, streamingCourse]) {
      const creation = await call(course, 'POST', '/courses', { token: instructorToken, body: draft });
      expect(creation).toMatchObject({
        status: 201,
        body: { title: draft.title, status: 'draft', instructorId: created.instructorId },
      });
      const publication = await call(course, 'POST', `/courses/${creation.body.id}/publish`, {
        token: instructorToken,
      });
      expect(publication).toMatchObject({ status: 200, body: { status: 'published' } });
      courseIds.push(creation.body.id);
    }
    const [postgresId, streamingId] = courseIds;

    // The instructor writes the curriculum: two sections, three lessons (the first a free preview).
    const lessonIds: string[] = [];
    for (const [sectionTitle, lessons] of [
      ['Getting started', ['Why PostgreSQL', 'Your first query']],
      ['Indexes', ['How a B-tree finds a row']],
    ] as const) {
      const section = await call(course, 'POST', `/courses/${postgresId}/sections`, {
        token: instructorToken,
        body: { title: sectionTitle },
      });
      expect(section).toMatchObject({ status: 201, body: { title: sectionTitle } });
      for (const title of lessons) {
        const lesson = await call(
          course,
          'POST',
          `/courses/${postgresId}/sections/${section.body.id}/lessons`,
          {
            token: instructorToken,
            body: {
              title,
              kind: 'article',
              body: `# ${title}\n\nRead *carefully*.`,
              preview: lessonIds.length === 0,
            },
          },
        );
        expect(lesson).toMatchObject({ status: 201, body: { title } });
        lessonIds.push(lesson.body.id as string);
      }
    }
    const curriculum = await call(course, 'GET', `/courses/${postgresId}/curriculum`);
    expect(curriculum).toMatchObject({ status: 200, body: { lessonCount: 3 } });
    // Before the order, the paid lessons are closed to the student.
    const closed = await call(course, 'GET', `/courses/${postgresId}/lessons/${lessonIds[1]}`, {
      token: studentToken,
    });
    expect(closed).toMatchObject({
      status: 403,
      body: { message: 'Enrol in this course to open this lesson' },
    });

    const search = await call(course, 'GET', '/courses?q=postgresql%20indexes', { token: studentToken });
    expect(search.status).toBe(200);
    expect(search.body.items.map((item: { id: string }) => item.id)).toEqual([postgresId]);
    expect(search.body.total).toBe(1);

    const idempotencyKey = `e2e-${randomUUID()}`;
    const placeOrder = () =>
      call(order, 'POST', '/orders', {
        token: studentToken,
        body: { courseId: postgresId },
        headers: { 'idempotency-key': idempotencyKey },
      });
    // 503 + Retry-After is the documented answer while the course service cannot be asked yet
    // (nothing is stored and the key is freed), so a client retries it; anything else is final.
    const first = await eventually(placeOrder, (response) => response.status !== 503, 60_000, 500);
    expect(first).toMatchObject({
      status: 201,
      body: {
        userId: created.studentId,
        courseId: postgresId,
        courseTitle: postgresCourse.title,
        price: postgresCourse.price,
        currency: postgresCourse.currency,
        status: 'confirmed',
      },
    });
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    created.orderId = first.body.id;

    const retry = await placeOrder();
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');

    const orders = await call(order, 'GET', '/orders', { token: studentToken });
    expect(orders).toMatchObject({ status: 200, body: { items: [first.body], nextCursor: null } });

    // The course service learns of the enrolment from order.confirmed, asynchronously.
    const enrolled = await eventually(
      () => call(course, 'GET', `/courses/${postgresId}`, { token: studentToken }),
      (response) => response.body?.enrolmentCount === 1,
    );
    expect(enrolled.body.enrolmentCount).toBe(1);

    // Learning: open a paid lesson, complete every lesson, receive the certificate.
    const opened = await eventually(
      () => call(course, 'GET', `/courses/${postgresId}/lessons/${lessonIds[1]}`, { token: studentToken }),
      (response) => response.status === 200,
    );
    expect(opened).toMatchObject({
      status: 200,
      body: {
        id: lessonIds[1],
        title: 'Your first query',
        previousLessonId: lessonIds[0],
        nextLessonId: lessonIds[2],
      },
    });
    for (const [index, lessonId] of lessonIds.entries()) {
      const completion = await call(course, 'PUT', `/courses/${postgresId}/lessons/${lessonId}/completion`, {
        token: studentToken,
      });
      expect(completion).toMatchObject({ status: 200, body: { completed: index + 1, total: 3 } });
    }
    const progress = await call(course, 'GET', `/courses/${postgresId}/progress`, { token: studentToken });
    expect(progress).toMatchObject({
      status: 200,
      body: { completedLessonIds: lessonIds, completed: 3, total: 3, percent: 100, nextLessonId: null },
    });
    expect(progress.body.certificateId).toEqual(expect.any(String));
    created.certificateId = progress.body.certificateId;
    const myCourses = await call(course, 'GET', '/me/courses', { token: studentToken });
    expect(myCourses).toMatchObject({
      status: 200,
      body: { items: [{ courseId: postgresId, progress: { percent: 100 } }], nextCursor: null },
    });
    // Public: no token. The names come from the course service's projection of account events.
    const certificate = await eventually(
      () => call(course, 'GET', `/certificates/${created.certificateId}`),
      (response) =>
        response.body?.learnerName === student.displayName && response.body?.instructorName !== null,
    );
    expect(certificate).toMatchObject({
      status: 200,
      body: {
        id: created.certificateId,
        courseTitle: postgresCourse.title,
        learnerName: student.displayName,
        instructorName: instructor.displayName,
        completedAt: progress.body.completedAt,
      },
    });
    // The course section of the student's data export lists the enrolment, progress and certificate.
    const exported = await call(course, 'GET', '/me/export', { token: studentToken });
    expect(exported).toMatchObject({
      status: 200,
      body: {
        userId: created.studentId,
        course: {
          profile: { displayName: student.displayName },
          enrolments: [{ courseId: postgresId, cancelledAt: null }],
          progress: [{ courseId: postgresId }],
          certificates: [{ id: created.certificateId, courseId: postgresId }],
        },
      },
    });
    expect(exported.body.course.progress[0].completedLessons).toHaveLength(3);
    const recommendedIds = (response: { body: { items?: { course: { id: string } }[] } }) =>
      (response.body.items ?? []).map((item) => item.course.id);
    const recommendations = await eventually(
      () => call(course, 'GET', '/courses/recommendations', { token: studentToken }),
      (response) =>
        response.status === 200 &&
        recommendedIds(response).includes(streamingId) &&
        !recommendedIds(response).includes(postgresId),
    );
    expect(recommendations.status).toBe(200);
    expect(recommendedIds(recommendations)).toContain(streamingId);
    expect(recommendedIds(recommendations)).not.toContain(postgresId);

    const cancellation = await call(order, 'POST', `/orders/${created.orderId}/cancel`, {
      token: studentToken,
      body: { reason: 'Changed my mind' },
    });
    expect(cancellation).toMatchObject({
      status: 200,
      body: { id: created.orderId, status: 'cancelled' },
    });
    expect(cancellation.body.cancelledAt).toEqual(expect.any(String));
  }, 150_000);

  it('sends exactly the welcome, verification, enrolment, completion and cancellation e-mails, all recorded as sent', async () => {
    expect(created.orderId).not.toBe('');
    const expectedSubjects: Record<string, string[]> = {
      [ADMIN.email]: ['Welcome to CourseHub'],
      [instructor.email]: ['Verify your e-mail address', 'Welcome to CourseHub'],
      [student.email]: [
        'Course completed: Practical PostgreSQL',
        'Enrolment cancelled: Practical PostgreSQL',
        'Verify your e-mail address',
        'Welcome to CourseHub',
        'You are enrolled: Practical PostgreSQL',
      ],
    };
    const subjectsByRecipient = async () => {
      const grouped: Record<string, string[]> = {};
      for (const email of await deployment!.receivedEmails()) {
        for (const to of email.to) (grouped[to] ??= []).push(email.subject ?? '');
      }
      for (const subjects of Object.values(grouped)) subjects.sort();
      return grouped;
    };
    const received = await eventually(
      subjectsByRecipient,
      (grouped) => isDeepStrictEqual(grouped, expectedSubjects),
      60_000,
    );
    expect(received).toEqual(expectedSubjects);

    const expectedRecords = [
      { to: ADMIN.email, template: 'welcome', status: 'sent' },
      { to: instructor.email, template: 'verify-email', status: 'sent' },
      { to: instructor.email, template: 'welcome', status: 'sent' },
      { to: student.email, template: 'course-completed', status: 'sent' },
      { to: student.email, template: 'order-cancelled', status: 'sent' },
      { to: student.email, template: 'order-confirmed', status: 'sent' },
      { to: student.email, template: 'verify-email', status: 'sent' },
      { to: student.email, template: 'welcome', status: 'sent' },
    ].sort(byRecipientAndTemplate);
    const records = await eventually(
      async () => {
        const page = await call(urls().email, 'GET', '/emails?limit=100', { token: created.adminToken });
        expect(page.status).toBe(200);
        return (page.body.items as { to: string; template: string; status: string }[])
          .map(({ to, template, status }) => ({ to, template, status }))
          .sort(byRecipientAndTemplate);
      },
      (items) => isDeepStrictEqual(items, expectedRecords),
    );
    expect(records).toEqual(expectedRecords);

    // Every record is sent, so no delivery is pending: the sink still holds exactly these.
    expect(await subjectsByRecipient()).toEqual(expectedSubjects);
  }, 120_000);

  it('every service is ready and its /metrics counts the requests of the journey', async () => {
    expect(created.orderId).not.toBe('');
    for (const service of SERVICES) {
      const ready = await call(urls()[service], 'GET', '/health/ready');
      expect({ service, status: ready.status, body: ready.body }).toMatchObject({
        service,
        status: 200,
        body: { status: 'ok' },
      });
    }

    // [service, method, route template, status code, requests the journey made (at least, when polled)]
    const expectations: [Service, string, string, number, number, 'exactly' | 'at least'][] = [
      ['auth', 'POST', '/auth/register', 201, 2, 'exactly'],
      ['auth', 'POST', '/auth/login', 200, 3, 'exactly'],
      ['auth', 'PATCH', '/users/:id/roles', 200, 1, 'exactly'],
      ['course', 'POST', '/courses', 201, 2, 'exactly'],
      ['course', 'POST', '/courses/:id/publish', 200, 2, 'exactly'],
      ['course', 'GET', '/courses', 200, 1, 'exactly'],
      ['course', 'GET', '/courses/recommendations', 200, 1, 'at least'],
      ['course', 'POST', '/courses/:id/sections', 201, 2, 'exactly'],
      ['course', 'POST', '/courses/:id/sections/:sectionId/lessons', 201, 3, 'exactly'],
      ['course', 'PUT', '/courses/:id/lessons/:lessonId/completion', 200, 3, 'exactly'],
      ['course', 'GET', '/courses/:id/progress', 200, 1, 'exactly'],
      ['course', 'GET', '/certificates/:certificateId', 200, 1, 'at least'],
      ['order', 'POST', '/orders', 201, 2, 'exactly'],
      ['order', 'GET', '/orders', 200, 1, 'exactly'],
      ['order', 'POST', '/orders/:id/cancel', 200, 1, 'exactly'],
      ['email', 'GET', '/emails', 200, 1, 'at least'],
    ];
    const scrapes = new Map<string, string>();
    for (const service of SERVICES) {
      const metrics = await call(urls()[service], 'GET', '/metrics');
      expect(metrics.status).toBe(200);
      scrapes.set(service, metrics.body as string);
    }
    for (const [service, method, route, statusCode, count, how] of expectations) {
      const counted = requestCount(scrapes.get(service)!, method, route, statusCode);
      const seen = { service, request: `${method} ${route} ${statusCode}`, counted };
      if (how === 'exactly') expect(seen).toEqual({ ...seen, counted: count });
      else expect(seen.counted).toBeGreaterThanOrEqual(count);
    }
  });
});

function byRecipientAndTemplate(
  a: { to: string; template: string },
  b: { to: string; template: string },
): number {
  return a.to.localeCompare(b.to) || a.template.localeCompare(b.template);
}

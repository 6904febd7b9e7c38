/*
 * `GET /me/export` (issue 16): each service answers with what it holds about the caller, and the
 * platform answers all four sections in one document on one port. A learner registers, verifies,
 * orders, learns, reviews and receives e-mails; their export is then read from the platform and
 * from each service of the split deployment, and the same sections are expected in both shapes.
 */
import { eventually } from '@coursehub/testing';
import {
  ADMIN,
  type ApiDeployment,
  type DeploymentMode,
  type Service,
  startApiDeployment,
} from './support/privacy-deployment';
import {
  call,
  EXPORT_SECTIONS as SECTIONS,
  exportSections,
  type Learner,
  learnAndReview,
  login,
  order,
  type PublishedCourse,
  publishCourseWithLessons,
  registerVerifiedLearner,
  subjectStartsWith,
  waitForMail,
} from './support/journey';

/** What each section must say about a learner who ordered, completed and reviewed `course`. */
function expectedSections(learner: Learner, course: PublishedCourse, orderId: string) {
  return {
    auth: {
      profile: expect.objectContaining({
        email: learner.email,
        displayName: learner.displayName,
        emailVerified: true,
        roles: ['student'],
      }),
      sessions: expect.arrayContaining([expect.objectContaining({ revokedAt: null })]),
    },
    course: expect.objectContaining({
      enrolments: [expect.objectContaining({ orderId, courseId: course.id, courseTitle: course.title })],
      progress: [
        expect.objectContaining({
          courseId: course.id,
          completedLessons: expect.arrayContaining(
            course.lessonIds.map((lessonId): unknown => expect.objectContaining({ lessonId })),
          ),
        }),
      ],
      certificates: [expect.objectContaining({ courseId: course.id, learnerName: learner.displayName })],
      reviews: [expect.objectContaining({ courseId: course.id, rating: 4, comment: 'Solid introduction.' })],
    }),
    order: {
      orders: [
        expect.objectContaining({
          id: orderId,
          courseId: course.id,
          courseTitle: course.title,
          price: 1900,
          currency: 'EUR',
          status: 'confirmed',
        }),
      ],
      idempotencyKeys: [],
    },
    email: expect.objectContaining({
      emails: expect.arrayContaining(
        ['verify-email', 'welcome', 'order-confirmed', 'course-completed'].map((template): unknown =>
          expect.objectContaining({ template, to: learner.email, status: 'sent' }),
        ),
      ),
    }),
  };
}

describe.each<DeploymentMode>(['platform', 'split'])('GET /me/export (%s)', (mode) => {
  let deployment: ApiDeployment;
  let learner: Learner;
  let other: Learner;
  let course: PublishedCourse;
  let orderId: string;

  beforeAll(async () => {
    // The platform as its own tests start it; the split deployment over the Kafka mock.
    deployment = await startApiDeployment(mode, `privacy_export_${mode}`, ADMIN);
    const adminToken = (await login(deployment, ADMIN)).accessToken;
    learner = await registerVerifiedLearner(deployment, 'export');
    other = await registerVerifiedLearner(deployment, 'export-other');
    course = await publishCourseWithLessons(deployment, adminToken, `Export Course ${mode}`);
    orderId = (await order(deployment, learner, course.id)).id;
    await learnAndReview(deployment, learner, course, { rating: 4, comment: 'Solid introduction.' });
    await waitForMail(deployment, learner.email, subjectStartsWith('Course completed'), 'certificate');
  }, 300_000);

  afterAll(() => deployment?.stop(), 120_000);

  const exportOf = (caller: Learner) => exportSections(deployment, caller);

  it('holds every section once, with what each service keeps about the caller', async () => {
    // The e-mails are all delivered (status "sent") before the export is compared.
    const exported = await eventually(
      () => exportOf(learner),
      (body) =>
        ((body.email as { emails?: { status: string }[] } | undefined)?.emails ?? []).every(
          (email) => email.status === 'sent',
        ),
    );
    expect(
      Object.keys(exported)
        .filter((key) => SECTIONS.includes(key as Service))
        .sort(),
    ).toEqual(SECTIONS);
    expect(exported).toMatchObject(expectedSections(learner, course, orderId));
    // No section carries secrets: no password hash, no token (hashes) of links or sessions.
    const text = JSON.stringify(exported);
    expect(text).not.toMatch(/argon2|passwordHash|tokenHash|refreshToken/i);
  });

  it("holds nothing of anyone else's", async () => {
    const exported = await exportOf(other);
    const text = JSON.stringify(exported);
    expect(text).not.toContain(learner.email);
    expect(text).not.toContain(learner.id);
    expect(text).not.toContain(orderId);
    expect(exported).toMatchObject({
      auth: { profile: expect.objectContaining({ email: other.email }) },
      order: { orders: [], idempotencyKeys: [] },
    });
  });

  it('needs a token', async () => {
    for (const service of mode === 'platform' ? (['auth'] as const) : SECTIONS) {
      const response = await call(deployment, service, 'GET', '/me/export');
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ statusCode: 401, requestId: expect.any(String) });
    }
  });
});

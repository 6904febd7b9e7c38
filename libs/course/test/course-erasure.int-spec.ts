import { userDeleted, userUpdated } from '@coursehub/contracts';
import { MessageBus, TransportKind } from '@coursehub/messaging';
import { randomBytes } from 'node:crypto';
import { CourseTestApp, eventually, Persona } from './course-test-app';
import { Learning, useLearning } from './learning-support';

/**
 * Issue 16, the course service's part: `user.deleted` erases progress and the name projection,
 * certificates and reviews stay without naming the learner; `GET /me/export` lists what it holds.
 */
describe.each<TransportKind>(['in-process', 'kafka'])(
  'course erasure and export on the %s transport',
  (transport) => {
    let service: CourseTestApp;
    let bus: MessageBus;
    let learning: Learning;
    let instructor: Persona;

    useLearning(transport, `erasure ${transport}`, (running) => {
      ({ service, bus, learning, instructor } = running);
    });

    /** Every row of every table of the course database whose text mentions `needle`, by table. */
    const rowsMentioning = async (needle: string): Promise<Record<string, number>> => {
      const tables = await service.dataSource.query<{ name: string }[]>(
        `SELECT quote_ident(table_name) AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
      );
      const found: Record<string, number> = {};
      for (const { name } of tables) {
        const [row] = await service.dataSource.query<{ count: string }[]>(
          `SELECT count(*) FROM ${name} t WHERE t::text ILIKE $1`,
          [`%${needle}%`],
        );
        if (Number(row.count) > 0) found[name] = Number(row.count);
      }
      return found;
    };

    it('exports, then erases the learner: progress and name gone, certificate and review anonymised', async () => {
      const name = `Erin Erasable ${randomBytes(4).toString('hex')}`;
      const learner = await service.persona(['student']);
      const bystander = await service.persona(['student']);
      await learning.register(learner, 'Erin Before');
      // A later user.updated wins over the registration, whichever is handled first.
      await learning.announce(
        userUpdated,
        { userId: learner.id, email: `${learner.id}@coursehub.test`, displayName: name, emailVerified: true },
        learner.id,
        'auth',
      );
      await learning.register(bystander, 'Bea Bystander');

      const completedCourse = await learning.courseWithLessons(instructor, 1, 2);
      const startedCourse = await learning.courseWithLessons(instructor, 1, 2);
      const order = await learning.enrol(completedCourse, learner);
      await learning.enrol(startedCourse, learner);
      await learning.enrol(completedCourse, bystander);
      const profileKnown = await eventually(
        () => service.dataSource.query(`SELECT 1 FROM course_user_profiles WHERE display_name = $1`, [name]),
        (rows) => rows.length === 1,
      );
      expect(profileKnown).toHaveLength(1);

      for (const lessonId of completedCourse.lessonIds)
        await learning.complete(completedCourse, lessonId, learner);
      await learning.complete(startedCourse, startedCourse.lessonIds[0], learner);
      await learning.complete(completedCourse, completedCourse.lessonIds[0], bystander);
      const certificateId = (await learning.progress(completedCourse, learner)).body.certificateId as string;
      expect(certificateId).toEqual(expect.any(String));
      const certificate = await service.api('GET', `/certificates/${certificateId}`);
      expect(certificate.body).toMatchObject({ learnerName: name, instructorName: 'Ida Instructor' });

      const review = await service.api('PUT', `/courses/${completedCourse.id}/reviews/mine`, {
        token: learner.token,
        body: { rating: 4, comment: 'Clear and practical.' },
      });
      expect([200, 201]).toContain(review.status);
      const ratingBefore = (await service.api('GET', `/courses/${completedCourse.id}`)).body.rating;

      const exported = await service.api('GET', '/me/export', { token: learner.token });
      expect(exported.status).toBe(200);
      expect(exported.body).toMatchObject({ userId: learner.id, course: expect.any(Object) });
      const section = exported.body.course;
      expect(section.profile).toEqual({ displayName: name });
      expect(section.enrolments).toHaveLength(2);
      expect(section.enrolments).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            orderId: order.orderId,
            courseId: completedCourse.id,
            courseTitle: completedCourse.title,
            cancelledAt: null,
          }),
          expect.objectContaining({ courseId: startedCourse.id }),
        ]),
      );
      expect(section.progress).toHaveLength(2);
      const completedProgress = section.progress.find(
        (entry: { courseId: string }) => entry.courseId === completedCourse.id,
      );
      expect(completedProgress.courseTitle).toBe(completedCourse.title);
      expect(
        completedProgress.completedLessons.map((lesson: { lessonId: string }) => lesson.lessonId).sort(),
      ).toEqual([...completedCourse.lessonIds].sort());
      expect(section.certificates).toEqual([
        expect.objectContaining({ id: certificateId, courseId: completedCourse.id, learnerName: name }),
      ]);
      expect(section.reviews).toEqual([
        expect.objectContaining({ courseId: completedCourse.id, rating: 4, comment: 'Clear and practical.' }),
      ]);
      // Nothing of the bystander's.
      expect(JSON.stringify(exported.body)).not.toContain(bystander.id);

      const deletion = await learning.announce(
        userDeleted,
        { userId: learner.id, deletedAt: new Date().toISOString() },
        learner.id,
        'auth',
      );
      // Delivered twice: the second is a repeat.
      await bus.publish({ topic: userDeleted.topic, key: learner.id, value: deletion });

      const erased = await eventually(
        () => service.api('GET', `/certificates/${certificateId}`),
        (response) => response.body?.learnerName === 'Former learner',
      );
      expect(erased).toEqual({
        status: 200,
        body: {
          id: certificateId,
          courseId: completedCourse.id,
          courseTitle: completedCourse.title,
          learnerName: 'Former learner',
          completedAt: certificate.body.completedAt,
          instructorName: 'Ida Instructor',
        },
      });
      const processed = await eventually(
        () =>
          service.dataSource.query<{ count: string }[]>(
            `SELECT count(*) FROM processed_events WHERE event_id = $1`,
            [deletion.id],
          ),
        (rows) => rows[0].count === '1',
      );
      expect(processed[0].count).toBe('1');

      // A late account event (another topic) does not bring the name back; the still-valid access
      // token records no progress.
      const late = await learning.announce(
        userUpdated,
        { userId: learner.id, email: `${learner.id}@coursehub.test`, displayName: name, emailVerified: true },
        learner.id,
        'auth',
      );
      await eventually(
        () =>
          service.dataSource.query<unknown[]>(`SELECT 1 FROM processed_events WHERE event_id = $1`, [
            late.id,
          ]),
        (rows) => rows.length === 1,
      );
      const afterErasure = await learning.complete(startedCourse, startedCourse.lessonIds[1], learner);
      expect(afterErasure).toMatchObject({ status: 401, body: { message: 'This account was deleted' } });

      // No store of the course service names the learner or keeps their id, except the enrolments
      // (order references, no personal data), the erased-id marker and the relayed course.completed.
      expect(await rowsMentioning(name)).toEqual({});
      const byId = await rowsMentioning(learner.id);
      expect(Object.keys(byId).sort()).toEqual([
        'course_enrolments',
        'course_erased_users',
        'outbox_messages',
      ]);
      // The outbox keeps the course.completed announcement (ids only, no name) until its retention ends.
      const outbox = await service.dataSource.query<{ type: string }[]>(
        `SELECT envelope->>'type' AS type FROM outbox_messages WHERE envelope::text LIKE $1`,
        [`%${learner.id}%`],
      );
      expect(outbox).toEqual([{ type: 'course.completed' }]);

      const reviews = await service.api('GET', `/courses/${completedCourse.id}/reviews`);
      expect(reviews.status).toBe(200);
      expect(reviews.body.items).toEqual([
        expect.objectContaining({ rating: 4, comment: 'Clear and practical.', authorName: 'Former learner' }),
      ]);
      expect((await service.api('GET', `/courses/${completedCourse.id}`)).body.rating).toEqual(ratingBefore);

      const after = await service.api('GET', '/me/export', { token: learner.token });
      expect(after.body.course).toMatchObject({ profile: null, progress: [], certificates: [], reviews: [] });
      expect(after.body.course.enrolments).toHaveLength(2);

      // The bystander keeps everything.
      expect((await learning.progress(completedCourse, bystander)).body).toMatchObject({ completed: 1 });
      const bystanderExport = (await service.api('GET', '/me/export', { token: bystander.token })).body
        .course;
      expect(bystanderExport.profile).toEqual({ displayName: 'Bea Bystander' });
      expect(bystanderExport.progress).toHaveLength(1);
    });
  },
);

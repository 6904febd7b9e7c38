import { TransportKind } from '@coursehub/messaging';
import { randomUUID } from 'node:crypto';
import { CourseTestApp, eventually, Persona } from './course-test-app';
import { Learning, useLearning } from './learning-support';

/**
 * Progress, completion and certificates (issue 15) with enrolments and names learnt from real
 * events on each transport.
 */
describe.each<TransportKind>(['in-process', 'kafka'])(
  'learning progress on the %s transport',
  (transport) => {
    let service: CourseTestApp;
    let learning: Learning;
    let instructor: Persona;

    useLearning(transport, transport, (running) => {
      ({ service, learning, instructor } = running);
    });

    it('tracks completions idempotently, undoes them and names the next lesson', async () => {
      const course = await learning.courseWithLessons(instructor, 2, 2);
      const learner = await service.persona(['student']);
      await learning.enrol(course, learner);
      const [first, second, third, fourth] = course.lessonIds;

      const initial = await learning.progress(course, learner);
      expect(initial).toEqual({
        status: 200,
        body: {
          courseId: course.id,
          completedLessonIds: [],
          completed: 0,
          total: 4,
          percent: 0,
          nextLessonId: first,
          lastActivityAt: null,
          completedAt: null,
          certificateId: null,
        },
      });

      const once = await learning.complete(course, second, learner);
      expect(once).toMatchObject({
        status: 200,
        body: { completedLessonIds: [second], completed: 1, total: 4, percent: 25, nextLessonId: first },
      });
      expect(Date.parse(once.body.lastActivityAt)).not.toBeNaN();
      const twice = await learning.complete(course, second, learner);
      expect(twice.status).toBe(200);
      expect({ ...twice.body, lastActivityAt: undefined }).toEqual({
        ...once.body,
        lastActivityAt: undefined,
      });
      expect(Date.parse(twice.body.lastActivityAt)).toBeGreaterThanOrEqual(
        Date.parse(once.body.lastActivityAt),
      );

      await learning.complete(course, first, learner);
      const three = await learning.complete(course, fourth, learner);
      expect(three.body).toMatchObject({
        completedLessonIds: [first, second, fourth],
        completed: 3,
        percent: 75,
        nextLessonId: third,
        completedAt: null,
      });

      const undone = await learning.undo(course, first, learner);
      expect(undone).toMatchObject({
        status: 200,
        body: { completedLessonIds: [second, fourth], completed: 2, percent: 50, nextLessonId: first },
      });
      const undoneAgain = await learning.undo(course, first, learner);
      expect(undoneAgain.body).toMatchObject({ completedLessonIds: [second, fourth], completed: 2 });
      expect((await learning.progress(course, learner)).body).toMatchObject({
        completed: 2,
        nextLessonId: first,
      });
      expect(await learning.completedEvents(course, learner)).toEqual([]);
    });

    it('completes the course once: one certificate and one course.completed, also for concurrent last lessons', async () => {
      const course = await learning.courseWithLessons(instructor, 2, 3);
      const learners = await Promise.all([1, 2, 3, 4, 5, 6].map(() => service.persona(['student'])));
      for (const [index, learner] of learners.entries()) {
        await learning.register(learner, `Learner ${index + 1}`);
        await learning.enrol(course, learner);
      }
      const lastTwo = course.lessonIds.slice(-2);

      for (const [index, learner] of learners.entries()) {
        // Half complete the last two lessons at the same moment (each twice), half all six at once:
        // exactly one of the concurrent transactions sees every lesson completed and completes the course.
        let concurrent: string[];
        if (index % 2 === 0) {
          for (const lessonId of course.lessonIds.slice(0, -2))
            await learning.complete(course, lessonId, learner);
          concurrent = [...lastTwo, ...lastTwo];
        } else {
          concurrent = course.lessonIds;
        }
        const answers = await Promise.all(
          concurrent.map((lessonId) => learning.complete(course, lessonId, learner)),
        );
        expect(answers.map((answer) => answer.status)).toEqual(concurrent.map(() => 200));

        const progress = (await learning.progress(course, learner)).body;
        expect(progress).toMatchObject({
          completedLessonIds: course.lessonIds,
          completed: 6,
          total: 6,
          percent: 100,
          nextLessonId: null,
        });
        expect(progress.certificateId).toEqual(expect.any(String));
        expect(Date.parse(progress.completedAt)).not.toBeNaN();
        // The answer that completed the course already carried the certificate.
        expect(answers.some((answer) => answer.body.certificateId === progress.certificateId)).toBe(true);

        const certificates = await service.dataSource.query<{ id: string }[]>(
          `SELECT id FROM course_certificates WHERE course_id = $1 AND user_id = $2`,
          [course.id, learner.id],
        );
        expect(certificates).toEqual([{ id: progress.certificateId }]);

        const events = await eventually(
          () => learning.completedEvents(course, learner),
          (rows) => rows.length > 0 && rows.every((row) => row.sent_at !== null),
        );
        expect(events).toHaveLength(1);
        expect(events[0].sent_at).not.toBeNull();
        expect(events[0].envelope.data).toEqual({
          userId: learner.id,
          courseId: course.id,
          courseTitle: course.title,
          certificateId: progress.certificateId,
          completedAt: progress.completedAt,
        });
      }
    });

    it('keeps the certificate after an undo and never issues a second one', async () => {
      const course = await learning.courseWithLessons(instructor, 1, 2);
      const learner = await service.persona(['student']);
      await learning.register(learner, 'Una Undo');
      await learning.enrol(course, learner);
      const [first, second] = course.lessonIds;
      await learning.complete(course, first, learner);
      const done = (await learning.complete(course, second, learner)).body;
      expect(done.certificateId).toEqual(expect.any(String));

      const undone = await learning.undo(course, second, learner);
      expect(undone.body).toMatchObject({
        completed: 1,
        percent: 50,
        nextLessonId: second,
        certificateId: done.certificateId,
        completedAt: done.completedAt,
      });
      const redone = await learning.complete(course, second, learner);
      expect(redone.body).toMatchObject({
        completed: 2,
        certificateId: done.certificateId,
        completedAt: done.completedAt,
      });
      expect(await learning.completedEvents(course, learner)).toHaveLength(1);
      expect((await service.api('GET', `/certificates/${done.certificateId}`)).status).toBe(200);
    });

    it('shows the certificate to anyone without a token, with the learner and instructor names', async () => {
      const course = await learning.courseWithLessons(instructor, 1, 1);
      const learner = await service.persona(['student']);
      await learning.register(learner, 'Cora Certified');
      await learning.enrol(course, learner);
      const done = (await learning.complete(course, course.lessonIds[0], learner)).body;

      // Names come from user.registered, which may be handled after the order (another topic).
      const certificate = await eventually(
        () => service.api('GET', `/certificates/${done.certificateId}`),
        (response) =>
          response.body?.learnerName === 'Cora Certified' && response.body?.instructorName !== null,
      );
      expect(certificate).toEqual({
        status: 200,
        body: {
          id: done.certificateId,
          courseId: course.id,
          courseTitle: course.title,
          learnerName: 'Cora Certified',
          completedAt: done.completedAt,
          instructorName: 'Ida Instructor',
        },
      });
      // The title at completion stays on the certificate.
      await service.api('PATCH', `/courses/${course.id}`, {
        token: instructor.token,
        body: { title: 'Renamed course' },
      });
      expect((await service.api('GET', `/certificates/${done.certificateId}`)).body.courseTitle).toBe(
        course.title,
      );

      for (const unknown of [randomUUID(), 'not-a-certificate']) {
        const missing = await service.api('GET', `/certificates/${unknown}`);
        expect(missing).toMatchObject({ status: 404, body: { statusCode: 404 } });
      }
    });

    it('refuses progress without an active enrolment: anonymous 401, others and cancelled 403, unknown 404', async () => {
      const course = await learning.courseWithLessons(instructor, 1, 2);
      const learner = await service.persona(['student']);
      const stranger = await service.persona(['student']);
      const order = await learning.enrol(course, learner);
      const lesson = course.lessonIds[0];
      expect((await learning.complete(course, lesson, learner)).status).toBe(200);

      const anonymous = await service.api('PUT', `/courses/${course.id}/lessons/${lesson}/completion`);
      expect(anonymous.status).toBe(401);
      expect((await service.api('GET', `/courses/${course.id}/progress`)).status).toBe(401);
      expect((await service.api('GET', '/me/courses')).status).toBe(401);

      const refused = await learning.complete(course, lesson, stranger);
      expect(refused).toMatchObject({
        status: 403,
        body: { message: expect.stringMatching(/^Enrol in this course/) },
      });
      expect((await learning.progress(course, stranger)).status).toBe(403);
      expect((await learning.undo(course, lesson, stranger)).status).toBe(403);
      // The instructor teaches the course but is no learner of it.
      expect((await learning.progress(course, instructor)).status).toBe(403);

      expect((await learning.complete(course, randomUUID(), learner)).status).toBe(404);
      expect((await learning.complete({ id: randomUUID() }, lesson, learner)).status).toBe(404);
      const other = await learning.courseWithLessons(instructor, 1, 1);
      expect((await learning.complete(course, other.lessonIds[0], learner)).status).toBe(404);
      const badId = await learning.complete(course, 'lesson-1', learner);
      expect(badId).toMatchObject({ status: 400, body: { statusCode: 400 } });

      await learning.cancel(order, learner);
      const cancelled = await learning.complete(course, course.lessonIds[1], learner);
      expect(cancelled).toMatchObject({
        status: 403,
        body: { message: expect.stringMatching(/^Enrol in this course/) },
      });
      expect((await learning.undo(course, lesson, learner)).status).toBe(403);
      const mine = await service.api('GET', '/me/courses', { token: learner.token });
      expect(mine).toEqual({ status: 200, body: { items: [], nextCursor: null } });
    });

    it('lists the caller’s courses with progress, most recent activity first, in keyset pages', async () => {
      const learner = await service.persona(['student']);
      const courses = [];
      for (let i = 0; i < 3; i++) {
        const course = await learning.courseWithLessons(instructor, 1, 2);
        await learning.enrol(course, learner);
        courses.push(course);
      }
      // Enrolment order makes the last enrolled the most recent; activity in the first moves it up.
      await learning.complete(courses[0], courses[0].lessonIds[0], learner);

      const first = await service.api('GET', '/me/courses?limit=2', { token: learner.token });
      expect(first.status).toBe(200);
      expect(first.body.items.map((item: { courseId: string }) => item.courseId)).toEqual([
        courses[0].id,
        courses[2].id,
      ]);
      expect(first.body.items[0]).toMatchObject({
        courseId: courses[0].id,
        title: courses[0].title,
        progress: { completed: 1, total: 2, percent: 50, nextLessonId: courses[0].lessonIds[1] },
      });
      expect(Date.parse(first.body.items[0].enrolledAt)).not.toBeNaN();
      expect(first.body.nextCursor).toEqual(expect.any(String));

      const second = await service.api('GET', `/me/courses?limit=2&cursor=${first.body.nextCursor}`, {
        token: learner.token,
      });
      expect(second.status).toBe(200);
      expect(second.body.items.map((item: { courseId: string }) => item.courseId)).toEqual([courses[1].id]);
      expect(second.body.nextCursor).toBeNull();
      expect(second.body.items[0].progress).toMatchObject({ completed: 0, total: 2, lastActivityAt: null });

      const altered = await service.api('GET', '/me/courses?cursor=bm90LWEtY3Vyc29y', {
        token: learner.token,
      });
      expect(altered).toMatchObject({ status: 400, body: { statusCode: 400 } });
      expect((await service.api('GET', '/me/courses?limit=0', { token: learner.token })).status).toBe(400);
      expect((await service.api('GET', '/me/courses?extra=1', { token: learner.token })).status).toBe(400);
    });

    it('drops the completions of a deleted lesson from progress', async () => {
      const course = await learning.courseWithLessons(instructor, 1, 3);
      const learner = await service.persona(['student']);
      await learning.enrol(course, learner);
      const [first, second, third] = course.lessonIds;
      await learning.complete(course, first, learner);
      await learning.complete(course, second, learner);
      const deleted = await service.api('DELETE', `/courses/${course.id}/lessons/${second}`, {
        token: instructor.token,
      });
      expect(deleted.status).toBe(204);
      expect((await learning.progress(course, learner)).body).toMatchObject({
        completedLessonIds: [first],
        completed: 1,
        total: 2,
        nextLessonId: third,
      });
      const rows = await service.dataSource.query(
        `SELECT 1 FROM course_lesson_completions WHERE lesson_id = $1`,
        [second],
      );
      expect(rows).toEqual([]);
    });
  },
);

import { orderCancelled, orderConfirmed } from '@coursehub/contracts';
import type { EventContract, EventData } from '@coursehub/contracts';
import { MessageBus, TransportKind } from '@coursehub/messaging';
import { randomUUID } from 'node:crypto';
import { announceOn, CourseTestApp, eventually, Persona, useCourseServiceWithProbe } from './course-test-app';

const ENROL_MESSAGE = 'Enrol in this course to open this lesson';

/**
 * Who may open a lesson, with enrolments learnt from real order events on each transport: the
 * access matrix of issue 15 (enrolled, cancelled, other student, anonymous, preview, instructor,
 * admin, draft).
 */
describe.each<TransportKind>(['in-process', 'kafka'])('opening lessons on the %s transport', (transport) => {
  let service: CourseTestApp;
  let bus: MessageBus;
  let instructor: Persona;
  let otherInstructor: Persona;
  let admin: Persona;
  let counter = 0;

  const api: CourseTestApp['api'] = (...args) => service.api(...args);
  const announce = <Contract extends EventContract>(contract: Contract, data: EventData<Contract>) =>
    announceOn(bus, contract, data, (data as { courseId: string }).courseId);

  /** A course with two sections: a preview lesson, then two that are not, then one more. */
  const courseWithLessons = async (publish = true) => {
    counter++;
    const title = `Access ${transport} ${counter}`;
    const { id } = await service.createCourse(instructor, { title }, { publish });
    const first = (
      await api('POST', `/courses/${id}/sections`, { token: instructor.token, body: { title: 'One' } })
    ).body;
    const second = (
      await api('POST', `/courses/${id}/sections`, { token: instructor.token, body: { title: 'Two' } })
    ).body;
    const add = async (sectionId: string, body: Record<string, unknown>) => {
      const response = await api('POST', `/courses/${id}/sections/${sectionId}/lessons`, {
        token: instructor.token,
        body: { kind: 'article', ...body },
      });
      expect(response.status).toBe(201);
      return response.body.id as string;
    };
    const preview = await add(first.id, { title: 'Welcome', body: 'Hello *all*', preview: true });
    const paid = await add(first.id, { title: 'The paid part', body: '**Secret** sauce' });
    const paidToo = await add(first.id, { title: 'More paid', body: 'More' });
    const last = await add(second.id, {
      title: 'Last',
      kind: 'video',
      videoUrl: 'https://videos.example.com/last.mp4',
      durationSeconds: 300,
    });
    return { id, title, sectionIds: [first.id as string, second.id as string], preview, paid, paidToo, last };
  };
  type Course = Awaited<ReturnType<typeof courseWithLessons>>;

  const open = (course: Course, lessonId: string, by?: Persona) =>
    api('GET', `/courses/${course.id}/lessons/${lessonId}`, { token: by?.token });
  const order = (course: Course, learner: Persona) => ({
    orderId: randomUUID(),
    userId: learner.id,
    courseId: course.id,
    courseTitle: course.title,
  });
  const confirm = async (course: Course, learner: Persona) => {
    const placed = order(course, learner);
    await announce(orderConfirmed, { ...placed, price: 4900, currency: 'EUR' });
    return placed;
  };
  /** Waits for the handled event to show in the learner's access, then returns the final answer. */
  const openOnce = (course: Course, lessonId: string, by: Persona, status: number) =>
    eventually(
      () => open(course, lessonId, by),
      (response) => response.status === status,
    );

  useCourseServiceWithProbe(transport, async (running) => {
    ({ service, bus, instructor } = running);
    otherInstructor = await service.persona(['instructor']);
    admin = await service.persona(['admin']);
  });

  it('opens every lesson to an enrolled learner, with its neighbours in reading order', async () => {
    const course = await courseWithLessons();
    const learner = await service.persona(['student']);
    expect((await open(course, course.paid, learner)).status).toBe(403);

    await confirm(course, learner);
    const paid = await openOnce(course, course.paid, learner, 200);
    expect(paid.status).toBe(200);
    expect(paid.body).toEqual({
      id: course.paid,
      title: 'The paid part',
      kind: 'article',
      body: '**Secret** sauce',
      html: '<p><strong>Secret</strong> sauce</p>\n',
      videoUrl: null,
      durationSeconds: 0,
      preview: false,
      sectionId: course.sectionIds[0],
      previousLessonId: course.preview,
      nextLessonId: course.paidToo,
    });
    const crossing = await open(course, course.paidToo, learner);
    expect(crossing.body).toMatchObject({ previousLessonId: course.paid, nextLessonId: course.last });
    const last = await open(course, course.last, learner);
    expect(last.body).toMatchObject({
      kind: 'video',
      videoUrl: 'https://videos.example.com/last.mp4',
      sectionId: course.sectionIds[1],
      previousLessonId: course.paidToo,
      nextLessonId: null,
    });
    expect((await open(course, course.preview, learner)).body.previousLessonId).toBeNull();
  });

  it('revokes access as soon as the cancelled order is handled, unless another order still enrols', async () => {
    const course = await courseWithLessons();
    const learner = await service.persona(['student']);
    const placed = await confirm(course, learner);
    expect((await openOnce(course, course.paid, learner, 200)).status).toBe(200);

    await announce(orderCancelled, { ...placed, reason: 'refund' });
    const revoked = await openOnce(course, course.paid, learner, 403);
    expect(revoked.status).toBe(403);
    expect(revoked.body.message).toBe(ENROL_MESSAGE);
    // The preview stays open to them, as to everyone.
    expect((await open(course, course.preview, learner)).status).toBe(200);

    // Bought again: open again; a second learner's cancellation changes nothing for the first.
    const again = await confirm(course, learner);
    expect((await openOnce(course, course.paid, learner, 200)).status).toBe(200);
    const other = await service.persona(['student']);
    const otherOrder = await confirm(course, other);
    expect((await openOnce(course, course.paid, other, 200)).status).toBe(200);
    await announce(orderCancelled, { ...otherOrder, reason: 'refund' });
    expect((await openOnce(course, course.paid, other, 403)).status).toBe(403);
    expect((await open(course, course.paid, learner)).status).toBe(200);
    await announce(orderCancelled, { ...again, reason: 'refund' });
    expect((await openOnce(course, course.paid, learner, 403)).status).toBe(403);
  });

  it('refuses other students (403), anonymous callers (401) and enrolments in other courses', async () => {
    const course = await courseWithLessons();
    const elsewhere = await courseWithLessons();
    const learnerElsewhere = await service.persona(['student']);
    await confirm(elsewhere, learnerElsewhere);
    expect((await openOnce(elsewhere, elsewhere.paid, learnerElsewhere, 200)).status).toBe(200);

    for (const caller of [await service.persona(['student']), learnerElsewhere, otherInstructor]) {
      const response = await open(course, course.paid, caller);
      expect(response.status).toBe(403);
      expect(response.body.message).toBe(ENROL_MESSAGE);
    }
    const anonymous = await open(course, course.paid);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).not.toHaveProperty('body');
    // A lesson of another course through this course's path, and unknown lessons: 404.
    expect((await open(course, elsewhere.paid, learnerElsewhere)).status).toBe(404);
    expect((await open(course, randomUUID(), learnerElsewhere)).status).toBe(404);
    expect((await open(course, 'not-a-uuid')).status).toBe(404);
  });

  it('opens preview lessons of a published course to everyone, signed in or not', async () => {
    const course = await courseWithLessons();
    for (const caller of [undefined, await service.persona(['student']), otherInstructor]) {
      const response = await open(course, course.preview, caller);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        preview: true,
        body: 'Hello *all*',
        html: '<p>Hello <em>all</em></p>\n',
      });
    }
  });

  it("opens every lesson to the course's instructor and to admins, drafts included", async () => {
    for (const course of [await courseWithLessons(), await courseWithLessons(false)]) {
      for (const caller of [instructor, admin]) {
        for (const lessonId of [course.preview, course.paid, course.last]) {
          expect((await open(course, lessonId, caller)).status).toBe(200);
        }
      }
    }
  });

  it('keeps an archived course open to its enrolled learners only', async () => {
    const course = await courseWithLessons();
    const learner = await service.persona(['student']);
    await confirm(course, learner);
    expect((await openOnce(course, course.paid, learner, 200)).status).toBe(200);
    expect((await api('DELETE', `/courses/${course.id}`, { token: instructor.token })).status).toBe(204);

    expect((await open(course, course.paid, learner)).status).toBe(200);
    const outline = await api('GET', `/courses/${course.id}/curriculum`, { token: learner.token });
    expect(outline.status).toBe(200);
    expect(outline.body.lessonCount).toBe(4);
    expect((await open(course, course.paid, instructor)).status).toBe(200);
    for (const caller of [undefined, await service.persona(['student'])]) {
      expect((await open(course, course.preview, caller)).status).toBe(404);
      expect((await api('GET', `/courses/${course.id}/curriculum`, { token: caller?.token })).status).toBe(
        404,
      );
    }
  });

  it('hides the lessons of a draft course from everyone else (404), previews included', async () => {
    const draft = await courseWithLessons(false);
    const student = await service.persona(['student']);
    for (const caller of [undefined, student, otherInstructor]) {
      for (const lessonId of [draft.preview, draft.paid]) {
        const response = await open(draft, lessonId, caller);
        expect(response.status).toBe(404);
        expect(response.body.message).toBe('Course not found');
      }
    }
  });
});

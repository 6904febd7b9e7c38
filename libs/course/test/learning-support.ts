import { orderCancelled, orderConfirmed, userRegistered } from '@coursehub/contracts';
import type { EventContract, EventData } from '@coursehub/contracts';
import type { MessageBus, TransportKind } from '@coursehub/messaging';
import { randomUUID } from 'node:crypto';
import {
  announceOn,
  type CourseServiceSetup,
  type CourseTestApp,
  eventually,
  type Persona,
  useCourseServiceWithProbe,
} from './course-test-app';

/** A published course with lessons, written through the authoring API (section by section). */
export interface CourseWithLessons {
  id: string;
  title: string;
  /** In reading order. */
  lessonIds: string[];
}

/**
 * The course service and probe around the enclosing `describe` (see useCourseServiceWithProbe) with
 * a `Learning` kit labelled `label`, handed to `ready` once the instructor is known by name.
 */
export function useLearning(
  transport: TransportKind,
  label: string,
  ready: (running: CourseServiceSetup & { learning: Learning }) => void,
): void {
  useCourseServiceWithProbe(transport, async (running) => {
    const learning = new Learning(running.service, running.bus, label);
    await learning.register(running.instructor, 'Ida Instructor');
    ready({ ...running, learning });
  });
}

/**
 * What the progress and erasure tests share: a course with a curriculum, orders and account
 * events announced on the transport as the order and auth services would.
 */
export class Learning {
  private counter = 0;

  constructor(
    private readonly service: CourseTestApp,
    private readonly bus: MessageBus,
    private readonly label: string,
  ) {}

  /** Announces `contract` with `data` as `producer` would (keyed by `key`); returns the envelope. */
  announce<Contract extends EventContract>(
    contract: Contract,
    data: EventData<Contract>,
    key: string,
    producer = 'order',
  ) {
    return announceOn(this.bus, contract, data, key, producer);
  }

  /** `user.registered` for the persona, as the auth service announces it. */
  register(persona: Persona, displayName: string) {
    return this.announce(
      userRegistered,
      { userId: persona.id, email: `${persona.id}@coursehub.test`, displayName },
      persona.id,
      'auth',
    );
  }

  /** A published course of `instructor` with `sections` sections of `lessonsPerSection` lessons. */
  async courseWithLessons(
    instructor: Persona,
    sections = 2,
    lessonsPerSection = 2,
  ): Promise<CourseWithLessons> {
    this.counter++;
    const title = `Progress ${this.label} ${this.counter}`;
    const api = this.service.api;
    const { id } = await this.service.createCourse(instructor, { title });
    const lessonIds: string[] = [];
    for (let s = 1; s <= sections; s++) {
      const section = await api('POST', `/courses/${id}/sections`, {
        token: instructor.token,
        body: { title: `Part ${s}` },
      });
      expect(section.status).toBe(201);
      for (let l = 1; l <= lessonsPerSection; l++) {
        const lesson = await api('POST', `/courses/${id}/sections/${section.body.id}/lessons`, {
          token: instructor.token,
          body: { title: `Lesson ${s}.${l}`, kind: 'article', body: `Part ${s}, lesson ${l}` },
        });
        expect(lesson.status).toBe(201);
        lessonIds.push(lesson.body.id as string);
      }
    }
    return { id, title, lessonIds };
  }

  /** Confirms an order of the course for the learner and waits until the course service knows it. */
  async enrol(course: CourseWithLessons, learner: Persona) {
    const order = {
      orderId: randomUUID(),
      userId: learner.id,
      courseId: course.id,
      courseTitle: course.title,
    };
    await this.announce(orderConfirmed, { ...order, price: 4900, currency: 'EUR' }, course.id);
    const progress = await eventually(
      () => this.progress(course, learner),
      (response) => response.status === 200,
    );
    expect(progress.status).toBe(200);
    return order;
  }

  /** Cancels the order and waits until the learner's progress is refused. */
  async cancel(
    order: { orderId: string; userId: string; courseId: string; courseTitle: string },
    learner: Persona,
  ) {
    await this.announce(orderCancelled, { ...order, reason: 'refund' }, order.courseId);
    const refused = await eventually(
      () => this.service.api('GET', `/courses/${order.courseId}/progress`, { token: learner.token }),
      (response) => response.status === 403,
    );
    expect(refused.status).toBe(403);
  }

  progress(course: { id: string }, learner: Persona) {
    return this.service.api('GET', `/courses/${course.id}/progress`, { token: learner.token });
  }

  complete(course: { id: string }, lessonId: string, learner: Persona) {
    return this.service.api('PUT', `/courses/${course.id}/lessons/${lessonId}/completion`, {
      token: learner.token,
    });
  }

  undo(course: { id: string }, lessonId: string, learner: Persona) {
    return this.service.api('DELETE', `/courses/${course.id}/lessons/${lessonId}/completion`, {
      token: learner.token,
    });
  }

  /** The `course.completed` envelopes the course service wrote to its outbox for the learner and course. */
  completedEvents(course: { id: string }, learner: Persona) {
    return this.service.dataSource.query<
      { envelope: { data: Record<string, unknown> }; sent_at: Date | null }[]
    >(
      `SELECT envelope, sent_at FROM outbox_messages
        WHERE envelope->>'type' = 'course.completed'
          AND envelope->'data'->>'courseId' = $1 AND envelope->'data'->>'userId' = $2`,
      [course.id, learner.id],
    );
  }
}

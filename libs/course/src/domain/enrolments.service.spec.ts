import { createEnvelope, orderCancelled, orderConfirmed } from '@coursehub/contracts';
import { ProcessedEvents } from '@coursehub/messaging';
import { InMemoryProcessedEvents } from '@coursehub/testing';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { CoursesRepository } from '../data/courses.repository';
import { EnrolmentsRepository } from '../data/enrolments.repository';
import { EnrolmentsService } from './enrolments.service';
import { RecommendationsService } from './recommendations.service';

/** Enrolment rows by order id, with the rules of the real statements (see EnrolmentsRepository). */
class InMemoryEnrolments implements Partial<EnrolmentsRepository> {
  readonly rows = new Map<string, { userId: string; courseId: string; cancelled: boolean }>();

  constructor(private readonly knownCourses: Set<string>) {}

  enrol(orderId: string, userId: string, courseId: string): Promise<boolean> {
    if (this.rows.has(orderId) || !this.knownCourses.has(courseId)) return Promise.resolve(false);
    this.rows.set(orderId, { userId, courseId, cancelled: false });
    return Promise.resolve(true);
  }

  cancel(orderId: string, userId: string, courseId: string): Promise<boolean> {
    if (!this.knownCourses.has(courseId)) return Promise.resolve(false);
    const row = this.rows.get(orderId);
    if (!row) this.rows.set(orderId, { userId, courseId, cancelled: true });
    else if (!row.cancelled) row.cancelled = true;
    else return Promise.resolve(false);
    return Promise.resolve(row !== undefined);
  }

  isEnrolled(userId: string, courseId: string): Promise<boolean> {
    return Promise.resolve(
      [...this.rows.values()].some((r) => r.userId === userId && r.courseId === courseId && !r.cancelled),
    );
  }
}

describe('EnrolmentsService', () => {
  const courseId = randomUUID();
  const userId = randomUUID();
  let enrolments: InMemoryEnrolments;
  let counts: Map<string, number>;
  let model: string[];
  let service: EnrolmentsService;

  const confirmation = (orderId: string = randomUUID()) =>
    createEnvelope(
      orderConfirmed,
      { orderId, userId, courseId, courseTitle: 'SQL', price: 4900, currency: 'EUR' },
      { producer: 'order' },
    );
  const cancellation = (orderId: string) =>
    createEnvelope(
      orderCancelled,
      { orderId, userId, courseId, courseTitle: 'SQL', reason: 'refund' },
      { producer: 'order' },
    );

  beforeEach(async () => {
    enrolments = new InMemoryEnrolments(new Set([courseId]));
    counts = new Map();
    model = [];
    const courses = {
      incrementEnrolmentCount: (id: string) =>
        Promise.resolve(void counts.set(id, (counts.get(id) ?? 0) + 1)),
      decrementEnrolmentCount: (id: string) =>
        Promise.resolve(void counts.set(id, Math.max((counts.get(id) ?? 0) - 1, 0))),
    };
    const recommendations = {
      enrolled: (user: string, course: string) => model.push(`+${user}/${course}`),
      unenrolled: (user: string, course: string) => model.push(`-${user}/${course}`),
    };
    const moduleRef = await Test.createTestingModule({
      providers: [
        EnrolmentsService,
        { provide: EnrolmentsRepository, useValue: enrolments },
        { provide: CoursesRepository, useValue: courses },
        { provide: ProcessedEvents, useValue: new InMemoryProcessedEvents() },
        { provide: RecommendationsService, useValue: recommendations },
      ],
    }).compile();
    service = moduleRef.get(EnrolmentsService);
  });

  it('counts an order once, however often or under whichever event it is announced', async () => {
    const event = confirmation();
    expect(await service.confirm(event)).toBe(true);
    expect(await service.confirm(event)).toBe(false);
    expect(await service.confirm(confirmation(event.data.orderId))).toBe(false);
    expect(counts.get(courseId)).toBe(1);
    expect(model).toEqual([`+${userId}/${courseId}`]);
  });

  it('ignores an order of an unknown course', async () => {
    const event = createEnvelope(
      orderConfirmed,
      { ...confirmation().data, courseId: randomUUID() },
      { producer: 'order' },
    );
    expect(await service.confirm(event)).toBe(false);
    expect(counts.size).toBe(0);
    expect(model).toEqual([]);
  });

  it('ends an enrolment once, and takes it out of the recommender only when no other order holds it', async () => {
    const first = confirmation();
    const second = confirmation();
    await service.confirm(first);
    await service.confirm(second);
    expect(await service.cancel(cancellation(first.data.orderId))).toBe(true);
    expect(await service.cancel(cancellation(first.data.orderId))).toBe(false);
    expect(model).toEqual([`+${userId}/${courseId}`, `+${userId}/${courseId}`]);
    expect(await service.cancel(cancellation(second.data.orderId))).toBe(true);
    expect(counts.get(courseId)).toBe(0);
    expect(model.at(-1)).toBe(`-${userId}/${courseId}`);
  });

  it('keeps a confirmation that arrives after its cancellation from counting', async () => {
    const orderId = randomUUID();
    expect(await service.cancel(cancellation(orderId))).toBe(false);
    expect(await service.confirm(confirmation(orderId))).toBe(false);
    expect(counts.get(courseId)).toBeUndefined();
    expect(model).toEqual([]);
  });
});

import { courseGet, orderCancelled, orderConfirmed } from '@coursehub/contracts';
import type { EventContract, EventData } from '@coursehub/contracts';
import { MessageBus, TransportKind } from '@coursehub/messaging';
import { randomUUID } from 'node:crypto';
import { announceOn, CourseTestApp, eventually, Persona, useCourseServiceWithProbe } from './course-test-app';

describe.each<TransportKind>(['in-process', 'kafka'])('course service on the %s transport', (transport) => {
  let service: CourseTestApp;
  let bus: MessageBus;
  let instructor: Persona;

  const announce = <Contract extends EventContract>(contract: Contract, data: EventData<Contract>) =>
    announceOn(bus, contract, data, (data as { courseId: string }).courseId);
  const redeliver = (topic: string, envelope: { data: { courseId: string } }) =>
    bus.publish({ topic, key: envelope.data.courseId, value: envelope });
  const enrolmentCount = async (courseId: string) =>
    (await service.api('GET', `/courses/${courseId}`)).body.enrolmentCount as number;
  /** Waits until the course's enrolment count meets `until`, then expects exactly `expected`. */
  const expectEnrolments = async (courseId: string, expected: number, until: (count: number) => boolean) =>
    expect(await eventually(() => enrolmentCount(courseId), until)).toBe(expected);
  /** A later order on the same key: once it counts, every earlier event in the partition was handled. */
  const confirmLaterOrder = (course: { id: string; title: string }) =>
    announce(orderConfirmed, {
      orderId: randomUUID(),
      userId: randomUUID(),
      courseId: course.id,
      courseTitle: course.title,
      price: 4900,
      currency: 'EUR',
    });
  const publishedCourse = (overrides: Record<string, unknown> = {}) =>
    service.createCourse(instructor, overrides);

  useCourseServiceWithProbe(transport, (running) => {
    ({ service, bus, instructor } = running);
  });

  it('answers course.get from the same lookup as GET /courses/:id', async () => {
    const course = await publishedCourse({ title: 'Distributed systems', slug: `distributed-${transport}` });
    const reply = await bus.request(courseGet, { courseId: course.id }, { timeoutMs: 20_000 });
    const viaHttp = (await service.api('GET', `/courses/${course.id}`)).body;
    expect(reply).toEqual({
      found: true,
      course: {
        id: viaHttp.id,
        slug: viaHttp.slug,
        title: viaHttp.title,
        status: 'published',
        instructorId: instructor.id,
        category: viaHttp.category,
        tags: viaHttp.tags,
        price: viaHttp.price,
        currency: viaHttp.currency,
      },
    });

    const draft = await service.createCourse(instructor, {}, { publish: false });
    const draftReply = await bus.request(courseGet, { courseId: draft.id }, { timeoutMs: 10_000 });
    expect(draftReply).toMatchObject({ found: true, course: { status: 'draft' } });
    await expect(bus.request(courseGet, { courseId: randomUUID() }, { timeoutMs: 10_000 })).resolves.toEqual({
      found: false,
    });
  });

  it('counts an order.confirmed delivered twice once, and an order.cancelled delivered twice once', async () => {
    const course = await publishedCourse({ title: `Idempotency ${transport}` });
    const order = {
      orderId: randomUUID(),
      userId: randomUUID(),
      courseId: course.id,
      courseTitle: course.title,
    };
    const confirmed = await announce(orderConfirmed, { ...order, price: 4900, currency: 'EUR' });
    await expectEnrolments(course.id, 1, (count) => count === 1);

    // The same event again, and the same order under a new event id (a republished event).
    await redeliver(orderConfirmed.topic, confirmed);
    await announce(orderConfirmed, { ...order, price: 4900, currency: 'EUR' });
    // A later event on the same key (so after the duplicates in the partition) shows they were handled.
    await confirmLaterOrder(course);
    await expectEnrolments(course.id, 2, (count) => count >= 2);
    const processed = await service.dataSource.query<{ count: string }[]>(
      `SELECT count(*) FROM processed_events WHERE event_id = $1`,
      [confirmed.id],
    );
    expect(Number(processed[0].count)).toBe(1);

    const cancelled = await announce(orderCancelled, { ...order, reason: 'refund' });
    await expectEnrolments(course.id, 1, (count) => count === 1);
    await redeliver(orderCancelled.topic, cancelled);
    await confirmLaterOrder(course);
    await expectEnrolments(course.id, 2, (count) => count >= 2);
  });

  it('ignores a confirmation that arrives after its cancellation', async () => {
    const course = await publishedCourse({ title: `Out of order ${transport}` });
    const order = {
      orderId: randomUUID(),
      userId: randomUUID(),
      courseId: course.id,
      courseTitle: course.title,
    };
    await announce(orderCancelled, { ...order, reason: 'payment failed' });
    await announce(orderConfirmed, { ...order, price: 4900, currency: 'EUR' });
    await announce(orderConfirmed, { ...order, orderId: randomUUID(), price: 4900, currency: 'EUR' });
    await expectEnrolments(course.id, 1, (count) => count >= 1);
  });

  it('relays course.published from the outbox', async () => {
    const course = await publishedCourse({ title: `Relay ${transport}` });
    const rows = await eventually(
      () =>
        service.dataSource.query<{ sent_at: Date | null }[]>(
          `SELECT sent_at FROM outbox_messages WHERE envelope->'data'->>'courseId' = $1`,
          [course.id],
        ),
      (found) => found.length === 1 && found[0].sent_at !== null,
    );
    expect(rows[0].sent_at).not.toBeNull();
  });
});

import { eventually, type Persona } from '@coursehub/testing';
import { ORDER_EVENTS_BROKER, OrderOverKafkaEnvironment, type OrderedCourse } from './order-over-kafka-env';
import {
  cancelTwiceExpectingOneEvent,
  confirmedOrderBody,
  expectCourseServiceUnavailable,
  expectOneOrderConfirmedEvent,
  expectTwentyKeyedRequestsMakeOneOrder,
} from '../../libs/order/test/order-expectations';

/** What only the real course service over Kafka shows; the rest is in libs/order/test. */
describe('orders (order and course services over Kafka, real PostgreSQL)', () => {
  const env = new OrderOverKafkaEnvironment();
  let instructor: Persona;
  let paidCourse: OrderedCourse;

  beforeAll(async () => {
    await env.start();
    instructor = await env.persona(['instructor']);
    paidCourse = await env.createCourse(instructor, { title: 'Practical PostgreSQL', price: 4900 });
  }, 120_000);

  afterAll(() => env.stop(), 60_000);

  it('asks the course service over Kafka, confirms with its snapshot and publishes order.confirmed', async () => {
    const freeCourse = await env.createCourse(instructor, { title: 'Free Kafka Primer', price: 0 });
    const draftCourse = await env.createCourse(instructor, { title: 'Unfinished', price: 1000, draft: true });
    const student = await env.persona(['student']);
    const placed = await env.placeOrder(student, paidCourse.id);
    expect(placed.status).toBe(201);
    expect(placed.body).toEqual(confirmedOrderBody(student, paidCourse));
    expect((await env.placeOrder(student, freeCourse.id)).body).toMatchObject({
      price: 0,
      status: 'confirmed',
    });
    expect((await env.placeOrder(student, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await env.placeOrder(student, draftCourse.id)).status).toBe(422);

    await expectOneOrderConfirmedEvent(env, placed.body.id, student, paidCourse);
  });

  it('publishes order.confirmed then order.cancelled once each on Kafka', async () => {
    const student = await env.persona(['student']);
    const placed = await env.placeOrder(student, paidCourse.id);
    await cancelTwiceExpectingOneEvent(env, student, placed.body.id, paidCourse.title);
  });

  it('turns 20 concurrent identical keyed requests into one order and one event on Kafka (in-flight duplicates: 409 + Retry-After, then replays)', async () => {
    const student = await env.persona(['student']);
    await expectTwentyKeyedRequestsMakeOneOrder(env, student, paidCourse.id);
  });

  it('confirms orders while the broker of the order topics is down; the event follows when it is back', async () => {
    const student = await env.persona(['student']);
    await env.cluster.brokerDown(ORDER_EVENTS_BROKER);
    let placed;
    try {
      placed = await env.placeOrder(student, paidCourse.id);
      expect(placed.status).toBe(201);
      expect(placed.body.status).toBe('confirmed');
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(env.eventsOf(placed.body.id)).toHaveLength(0);
      const [outbox] = await env.orderDataSource.query<{ sent_at: Date | null }[]>(
        `SELECT sent_at FROM outbox_messages WHERE envelope->'data'->>'orderId' = $1`,
        [placed.body.id],
      );
      expect(outbox).toEqual({ sent_at: null });
    } finally {
      await env.cluster.brokerUp(ORDER_EVENTS_BROKER);
    }
    const events = await eventually(
      () => env.eventsOf(placed.body.id),
      (found) => found.length > 0,
      45_000,
    );
    expect(events.map((event) => event.type)).toEqual(['order.confirmed']);
  }, 90_000);

  it('while the course service is down: a course never seen answers 503 with Retry-After and stores nothing (a retry succeeds), a course seen before is ordered on its remembered snapshot', async () => {
    const student = await env.persona(['student']);
    const unseenCourse = await env.createCourse(instructor, { title: 'Never Looked Up', price: 1200 });
    // Seen before the outage: an order by someone else looks it up.
    expect((await env.placeOrder(await env.persona(['student']), paidCourse.id)).status).toBe(201);
    await env.stopCourseService();
    const started = Date.now();
    const unavailable = await env.placeOrder(student, unseenCourse.id, {
      'idempotency-key': 'during-outage',
    });
    expectCourseServiceUnavailable(unavailable);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await env.orderRows('user_id = $1', [student.id])).toEqual([]);
    expect(
      await env.orderDataSource.query('SELECT 1 FROM idempotency_keys WHERE user_id = $1', [student.id]),
    ).toEqual([]);

    // Its remembered snapshot carries the order through the outage.
    const remembered = await env.placeOrder(student, paidCourse.id);
    expect(remembered.status).toBe(201);
    expect(remembered.body).toMatchObject({
      courseId: paidCourse.id,
      price: paidCourse.price,
      courseTitle: paidCourse.title,
    });

    await env.startCourseService();
    const retried = await eventually(
      () => env.placeOrder(student, unseenCourse.id, { 'idempotency-key': 'during-outage' }),
      (response) => response.status !== 503,
      60_000,
    );
    expect(retried.status).toBe(201);
    expect(await env.orderRows('user_id = $1', [student.id])).toHaveLength(2);
  }, 120_000);
});

import { ApiCallResult, eventually, Persona } from '@coursehub/testing';
import type { OrdersUnderTest } from './orders-under-test';

/** A course as the order tests place it: id, title and price (in EUR). */
export interface OrderedCourse {
  id: string;
  title: string;
  price: number;
}

/** The body of `POST /orders` for a fresh confirmed order (the same on every transport). */
export function confirmedOrderBody(student: Persona, course: OrderedCourse) {
  return {
    id: expect.any(String),
    userId: student.id,
    courseId: course.id,
    courseTitle: course.title,
    price: course.price,
    currency: 'EUR',
    status: 'confirmed',
    createdAt: expect.any(String),
    updatedAt: expect.any(String),
    cancelledAt: null,
  };
}

/** The `order.confirmed` envelope the order feature publishes for that order. */
export function orderConfirmedEvent(orderId: string, student: Persona, course: OrderedCourse) {
  return {
    type: 'order.confirmed',
    version: 1,
    producer: 'order',
    data: {
      orderId,
      userId: student.id,
      courseId: course.id,
      courseTitle: course.title,
      price: course.price,
      currency: 'EUR',
    },
  };
}

/**
 * Sends `count` identical keyed requests at once, as an impatient client would: each answer is the
 * order or "in progress" (409 + Retry-After) at once, never a second order; the 409s are retried
 * after their Retry-After. Returns the final answer of each request.
 */
export async function placeConcurrentlyWithOneKey(
  place: () => Promise<ApiCallResult>,
  count: number,
): Promise<ApiCallResult[]> {
  const first = await Promise.all(Array.from({ length: count }, place));
  for (const response of first) {
    expect([201, 409]).toContain(response.status);
    if (response.status === 409) {
      expect(response.body.message).toMatch(/in progress/);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  }
  expect(first.filter((response) => response.status === 201).length).toBeGreaterThanOrEqual(1);
  return Promise.all(
    first.map(async (response) => {
      if (response.status !== 409) return response;
      await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after')) * 1000));
      return place();
    }),
  );
}

/** Waits for the order's events and, after room for a wrong extra one to show up, expects exactly these types. */
async function expectEventTypes(env: OrdersUnderTest, orderId: string, types: string[], roomMs: number) {
  const events = await eventually(
    () => env.eventsOf(orderId),
    (found) => found.some((event) => event.type === types.at(-1)),
  );
  await new Promise((resolve) => setTimeout(resolve, roomMs));
  expect(env.eventsOf(orderId).map((event) => event.type)).toEqual(types);
  return events;
}

/** The order's one and only event is `order.confirmed` with this course's snapshot. */
export async function expectOneOrderConfirmedEvent(
  env: OrdersUnderTest,
  orderId: string,
  student: Persona,
  course: OrderedCourse,
): Promise<void> {
  const [event] = await expectEventTypes(env, orderId, ['order.confirmed'], 0);
  expect(event).toMatchObject(orderConfirmedEvent(orderId, student, course));
}

/**
 * Cancels the order twice as its student: the first cancels it (200), the second answers the same
 * (a no-op), and exactly `order.confirmed` then one `order.cancelled` with the reason follow.
 */
export async function cancelTwiceExpectingOneEvent(
  env: OrdersUnderTest,
  student: Persona,
  orderId: string,
  courseTitle: string,
): Promise<ApiCallResult> {
  const cancelled = await env.orders('POST', `/orders/${orderId}/cancel`, {
    token: student.token,
    body: { reason: 'Changed my mind' },
  });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body).toMatchObject({ id: orderId, status: 'cancelled', cancelledAt: expect.any(String) });
  const twice = await env.orders('POST', `/orders/${orderId}/cancel`, { token: student.token });
  expect(twice.status).toBe(200);
  expect(twice.body).toEqual(cancelled.body);

  const events = await expectEventTypes(env, orderId, ['order.confirmed', 'order.cancelled'], 500);
  expect(events.find((event) => event.type === 'order.cancelled')?.data).toMatchObject({
    courseTitle,
    reason: 'Changed my mind',
  });
  return cancelled;
}

/**
 * 20 concurrent identical keyed orders of `courseId`: all end 201 with one body, 19 of them replays, one row and
 * one `order.confirmed` event.
 */
export async function expectTwentyKeyedRequestsMakeOneOrder(
  env: OrdersUnderTest,
  student: Persona,
  courseId: string,
): Promise<void> {
  const key = `checkout-${student.id}`;
  const responses = await placeConcurrentlyWithOneKey(
    () => env.placeOrder(student, courseId, { 'idempotency-key': key }),
    20,
  );
  expect(responses.map((response) => response.status)).toEqual(Array(20).fill(201));
  expect(new Set(responses.map((response) => JSON.stringify(response.body))).size).toBe(1);
  expect(await env.orderRows('user_id = $1', [student.id])).toEqual([
    { id: responses[0].body.id, status: 'confirmed' },
  ]);
  expect(responses.filter((response) => response.headers.get('idempotent-replayed') === 'true')).toHaveLength(
    19,
  );
  await expectEventTypes(env, responses[0].body.id, ['order.confirmed'], 300);
}

/** The answer to an order of a course never seen while the course service is down. */
export function expectCourseServiceUnavailable(response: ApiCallResult): void {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('5');
  expect(response.body).toMatchObject({
    statusCode: 503,
    message: expect.stringMatching(/course service/),
  });
}

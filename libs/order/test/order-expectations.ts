import type { ApiCallResult, Persona } from '@coursehub/testing';

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

import { OrderTestApp } from './order-test-app';

describe('POST /orders rate limit (per user)', () => {
  const env = new OrderTestApp();

  beforeAll(() => env.start({ ORDERS_RATE_LIMIT: '3', RATE_LIMIT_WINDOW_MS: '60000' }), 60_000);
  afterAll(() => env.stop(), 30_000);

  it('answers 429 with Retry-After past the budget, for that user only, and places nothing more', async () => {
    const courses = Array.from({ length: 5 }, (_, index) =>
      env.catalogue.add({ title: `Course ${index}`, price: 0 }),
    );
    const flooder = await env.persona(['student']);
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof env.orders>> | undefined;
    for (const course of courses) {
      const response = await env.placeOrder(flooder, course.id);
      statuses.push(response.status);
      if (response.status === 429) limited ??= response;
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    expect(limited!.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited!.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await env.orderRows('user_id = $1', [flooder.id])).toHaveLength(3);
    // Another user has a budget of their own; reading is not limited.
    const other = await env.persona(['student']);
    expect((await env.placeOrder(other, courses[4].id)).status).toBe(201);
    expect((await env.orders('GET', '/orders', { token: flooder.token })).status).toBe(200);
  });
});

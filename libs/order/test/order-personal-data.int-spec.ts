import { createEnvelope, userDeleted } from '@coursehub/contracts';
import type { Role } from '@coursehub/core';
import { MessageBus } from '@coursehub/messaging';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { OrderTestApp } from './order-test-app';

/** What `POST /orders` and `GET /me/export` see of the deleted-account and verified-address rules. */
describe('order personal data: export, erasure on user.deleted, verified e-mail (real PostgreSQL)', () => {
  const env = new OrderTestApp();
  let bus: MessageBus;

  beforeAll(async () => {
    await env.start();
    bus = env.app.get(MessageBus);
  }, 60_000);

  afterAll(() => env.stop(), 30_000);

  /** `user.deleted` as auth publishes it, delivered by the in-process transport (handlers awaited). */
  async function deliverUserDeleted(
    userId: string,
    envelope = createEnvelope(
      userDeleted,
      {
        userId,
        deletedAt: new Date().toISOString(),
      },
      { producer: 'auth' },
    ),
  ) {
    await bus.publish({ topic: userDeleted.topic, key: userId, value: envelope });
    return envelope;
  }

  it("exports the caller's orders and keys, and nobody else's", async () => {
    const student = await env.persona(['student']);
    const other = await env.persona(['student']);
    const first = env.catalogue.add({ title: 'Export Me', price: 1200 });
    const second = env.catalogue.add({ title: 'Export Me Too', price: 0 });
    const placed = await env.placeOrder(student, first.id, { 'idempotency-key': `export-${student.id}` });
    expect(placed.status).toBe(201);
    const free = await env.placeOrder(student, second.id);
    await env.orders('POST', `/orders/${free.body.id}/cancel`, { token: student.token });
    await env.placeOrder(other, first.id);

    const exported = await env.orders('GET', '/me/export', { token: student.token });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('cache-control')).toBe('no-store');
    expect(exported.body).toEqual({
      userId: student.id,
      exportedAt: expect.any(String),
      order: {
        orders: [
          expect.objectContaining({ id: free.body.id, courseTitle: 'Export Me Too', status: 'cancelled' }),
          expect.objectContaining({
            id: placed.body.id,
            courseId: first.id,
            courseTitle: 'Export Me',
            price: 1200,
            currency: 'EUR',
            status: 'confirmed',
            cancelledAt: null,
          }),
        ],
        idempotencyKeys: [
          {
            key: `export-${student.id}`,
            state: 'completed',
            responseStatus: 201,
            createdAt: expect.any(String),
          },
        ],
      },
    });
    // The course-stub feature holds no personal data and registers no section.
    expect(Object.keys(exported.body).sort()).toEqual(['exportedAt', 'order', 'userId']);
    expect((await env.orders('GET', '/me/export')).status).toBe(401);
  });

  it('keeps the orders of a deleted user, deletes their keys, and refuses their still-valid token', async () => {
    const student = await env.persona(['student']);
    const bystander = await env.persona(['student']);
    const course = env.catalogue.add({ title: 'Erase Me', price: 2500 });
    const placed = await env.placeOrder(student, course.id, {
      'idempotency-key': 'my-key-mentions-ada@example.com',
    });
    expect(placed.status).toBe(201);
    await env.placeOrder(bystander, course.id, { 'idempotency-key': 'bystander-key' });
    const ordersBefore = await env.dataSource.query('SELECT * FROM orders WHERE user_id = $1', [student.id]);

    const envelope = await deliverUserDeleted(student.id);

    // The financial rows stay exactly as they were; nothing personal is left beside them.
    expect(await env.dataSource.query('SELECT * FROM orders WHERE user_id = $1', [student.id])).toEqual(
      ordersBefore,
    );
    expect(
      await env.dataSource.query('SELECT key FROM idempotency_keys WHERE user_id = $1', [student.id]),
    ).toEqual([]);
    expect(
      await env.dataSource.query('SELECT key FROM idempotency_keys WHERE user_id = $1', [bystander.id]),
    ).toEqual([{ key: 'bystander-key' }]);
    expect(
      await env.dataSource.query('SELECT user_id FROM erased_users WHERE user_id = $1', [student.id]),
    ).toEqual([{ user_id: student.id }]);

    // The access token of the deleted account is still valid for a while: it places no order, and
    // its Idempotency-Key is not stored either (the refusal comes before the key is claimed).
    const after = await env.placeOrder(student, env.catalogue.add({ title: 'Too Late', price: 100 }).id, {
      'idempotency-key': 'after-deletion-ada@example.com',
    });
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ statusCode: 401, message: 'This account has been deleted' });
    expect(await env.orderRows('user_id = $1', [student.id])).toHaveLength(1);
    expect(
      await env.dataSource.query('SELECT key FROM idempotency_keys WHERE user_id = $1', [student.id]),
    ).toEqual([]);

    // Redelivered (same event id) or announced again (a new event): nothing changes, no error.
    await deliverUserDeleted(student.id, envelope);
    await deliverUserDeleted(student.id);
    expect(
      await env.dataSource.query('SELECT count(*)::int AS n FROM processed_events WHERE event_id = $1', [
        envelope.id,
      ]),
    ).toEqual([{ n: 1 }]);
    expect(
      await env.dataSource.query('SELECT count(*)::int AS n FROM erased_users WHERE user_id = $1', [
        student.id,
      ]),
    ).toEqual([{ n: 1 }]);
    expect(await env.orderRows('user_id = $1', [student.id])).toEqual([
      { id: placed.body.id, status: 'confirmed' },
    ]);
    expect(
      (await env.placeOrder(bystander, env.catalogue.add({ title: 'Still Open', price: 0 }).id)).status,
    ).toBe(201);
  });
});

describe('ORDERS_REQUIRE_VERIFIED_EMAIL=true (order feature, real PostgreSQL)', () => {
  const env = new OrderTestApp();
  const jwt = new JwtService();

  beforeAll(() => env.start({ ORDERS_REQUIRE_VERIFIED_EMAIL: 'true' }), 60_000);
  afterAll(() => env.stop(), 30_000);

  /** A token as auth signs it, with or without the `emailVerified` claim. */
  async function studentToken(
    emailVerified: boolean | undefined,
    id: string = randomUUID(),
  ): Promise<{ id: string; token: string }> {
    const roles: Role[] = ['student'];
    const claims = emailVerified === undefined ? { roles } : { roles, emailVerified };
    const token = await jwt.signAsync(
      { email: `${id}@example.com`, ...claims },
      {
        algorithm: 'RS256',
        keyid: env.issuer.keyId,
        privateKey: env.issuer.privateKey,
        subject: id,
        issuer: env.issuer.issuer,
        audience: env.issuer.audience,
        expiresIn: 900,
      },
    );
    return { id, token };
  }

  it('answers 403 "Verify your e-mail address first" to unverified callers and stores nothing', async () => {
    const course = env.catalogue.add({ title: 'Verified Only', price: 900 });
    for (const emailVerified of [false, undefined]) {
      const student = await studentToken(emailVerified);
      const refused = await env.orders('POST', '/orders', {
        token: student.token,
        body: { courseId: course.id },
        headers: { 'idempotency-key': `unverified-${student.id}` },
      });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({
        statusCode: 403,
        error: 'Forbidden',
        message: 'Verify your e-mail address first',
        requestId: expect.any(String),
      });
      expect(await env.orderRows('user_id = $1', [student.id])).toEqual([]);
    }
    // Having verified, the same student retries with the same key: the refusal was about the caller,
    // not the request, so it was not stored as the key's answer.
    const later = await studentToken(true, (await studentToken(false)).id);
    const unverifiedAttempt = await studentToken(false, later.id);
    const key = { 'idempotency-key': `checkout-${later.id}` };
    const first = await env.orders('POST', '/orders', {
      token: unverifiedAttempt.token,
      body: { courseId: course.id },
      headers: key,
    });
    expect(first.status).toBe(403);
    const retried = await env.orders('POST', '/orders', {
      token: later.token,
      body: { courseId: course.id },
      headers: key,
    });
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    const verified = await studentToken(true);
    const placed = await env.orders('POST', '/orders', {
      token: verified.token,
      body: { courseId: course.id },
    });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ userId: verified.id, status: 'confirmed' });
  });
});

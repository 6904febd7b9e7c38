import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  claimsOf,
  login,
  outboxEvents,
  PUBLIC_URL,
  register,
  SECURITY_NOTICE,
  sql,
  tokenSentTo,
  VERIFICATION_REQUESTED,
} from './account-helpers';
import { authTestAppForSuite } from './auth-test-app';

const TTL_MS = 4_000;

describe('e-mail verification and address changes', () => {
  const app = authTestAppForSuite({ EMAIL_VERIFICATION_TTL_MS: String(TTL_MS), PUBLIC_URL });

  const invalidToken = {
    statusCode: 400,
    error: 'Bad Request',
    message: 'This link is invalid or has expired',
  };

  it('registration e-mails a single-use link whose token is stored only as a hash; opening it verifies', async () => {
    const before = Date.now();
    const ada = await register(app, 'ada@example.com', 'analytical-engine', 'Ada');
    const [requested] = await outboxEvents(app, VERIFICATION_REQUESTED, { userId: ada.id });
    expect(requested).toMatchObject({
      messageKey: ada.id,
      data: { email: 'ada@example.com', displayName: 'Ada', purpose: 'registration' },
    });
    expect(requested.data.verificationUrl).toMatch(
      new RegExp(`^${PUBLIC_URL}/verify-email\\?token=[A-Za-z0-9_-]{43}$`),
    );
    const expiresIn = Date.parse(String(requested.data.expiresAt)) - before;
    expect(expiresIn).toBeGreaterThanOrEqual(TTL_MS - 1_000);
    expect(expiresIn).toBeLessThanOrEqual(TTL_MS + 5_000);
    const token = await tokenSentTo(app, VERIFICATION_REQUESTED, ada.email);

    // At rest: the digest only; no column of any row holds the token.
    const stored = await sql<{ token_hash: string; row: string }>(
      app,
      'SELECT token_hash, t::text AS row FROM account_tokens t WHERE user_id = $1',
      [ada.id],
    );
    expect(stored.map((row) => row.token_hash)).toEqual([createHash('sha256').update(token).digest('hex')]);
    expect(stored.some((row) => row.row.includes(token))).toBe(false);

    // Unverified: the profile and the access token say so.
    const unverified = await login(app, ada.email, ada.password);
    expect(claimsOf(unverified.accessToken)).toMatchObject({ sub: ada.id, emailVerified: false });
    expect((await app.api('GET', '/auth/me', { token: unverified.accessToken })).body).toMatchObject({
      emailVerified: false,
    });

    const verified = await app.api('POST', '/auth/verify-email', { body: { token } });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ id: ada.id, email: ada.email, emailVerified: true });
    const updates = await outboxEvents(app, 'user.updated', { userId: ada.id });
    expect(updates.map((event) => event.data)).toEqual([
      { userId: ada.id, email: ada.email, displayName: 'Ada', emailVerified: true },
    ]);

    // Single use.
    const reused = await app.api('POST', '/auth/verify-email', { body: { token } });
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject(invalidToken);

    // A new login carries the new state; /auth/me reads it from the account.
    const after = await login(app, ada.email, ada.password);
    expect(claimsOf(after.accessToken)).toMatchObject({ emailVerified: true });
    expect((await app.api('GET', '/auth/me', { token: unverified.accessToken })).body).toMatchObject({
      emailVerified: true,
    });
  });

  it('refuses unknown, malformed and expired tokens with the same 400', async () => {
    const unknown = await app.api('POST', '/auth/verify-email', {
      body: { token: 'q8Wm3Yt0bA1nV7cXo2LrE5sJ9gHk4uPd6fZiTwQyRNe' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject(invalidToken);

    for (const body of [{}, { token: 42 }, { token: 'short' }, { token: 'x'.repeat(30), extra: 1 }]) {
      const malformed = await app.api('POST', '/auth/verify-email', { body });
      expect(malformed.status).toBe(400);
      expect(malformed.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }

    const late = await register(app, 'late@example.com');
    const token = await tokenSentTo(app, VERIFICATION_REQUESTED, late.email);
    await sleep(TTL_MS + 200);
    const expired = await app.api('POST', '/auth/verify-email', { body: { token } });
    expect(expired.status).toBe(400);
    expect(withoutRequestId(expired.body)).toEqual(withoutRequestId(unknown.body));
  });

  it('resends (signed in, 202): the newest link works, older ones stop; throttled per user; 409 once verified', async () => {
    const grace = await register(app, 'grace@example.com');
    const session = await login(app, grace.email, grace.password);
    expect((await app.api('POST', '/auth/verify-email/resend')).status).toBe(401);

    const first = await tokenSentTo(app, VERIFICATION_REQUESTED, grace.email);
    const resent = await app.api('POST', '/auth/verify-email/resend', { token: session.accessToken });
    expect(resent.status).toBe(202);
    expect(resent.body).toMatchObject({ message: expect.any(String), expiresAt: expect.any(String) });
    const second = await tokenSentTo(app, VERIFICATION_REQUESTED, grace.email);
    expect(second).not.toBe(first);

    expect((await app.api('POST', '/auth/verify-email', { body: { token: second } })).status).toBe(200);
    expect((await app.api('POST', '/auth/verify-email', { body: { token: first } })).status).toBe(400);
    const again = await app.api('POST', '/auth/verify-email/resend', { token: session.accessToken });
    expect(again.status).toBe(409);

    // AUTH_THROTTLE_LIMIT (10) resends, then 429 with Retry-After; another user is not affected.
    const eager = await register(app, 'eager@example.com');
    const eagerSession = await login(app, eager.email, eager.password);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt++) {
      statuses.push(
        (await app.api('POST', '/auth/verify-email/resend', { token: eagerSession.accessToken })).status,
      );
    }
    expect(statuses).toEqual([...Array<number>(10).fill(202), 429]);
    const limited = await app.api('POST', '/auth/verify-email/resend', { token: eagerSession.accessToken });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ statusCode: 429 });
  });

  it('changes the display name (user.updated) and refuses an invalid one', async () => {
    const alan = await register(app, 'alan@example.com', 'a-long-enough-password', 'Alan');
    const session = await login(app, alan.email, alan.password);
    const renamed = await app.api('PATCH', '/auth/me', {
      token: session.accessToken,
      body: { displayName: '  Alan Turing ' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: alan.id, displayName: 'Alan Turing' });
    const [update] = await outboxEvents(app, 'user.updated', { userId: alan.id });
    expect(update.data).toEqual({
      userId: alan.id,
      email: alan.email,
      displayName: 'Alan Turing',
      emailVerified: false,
    });
    for (const body of [
      { displayName: '' },
      { displayName: 'x'.repeat(101) },
      { displayName: 'A', email: 'x@y.z' },
    ]) {
      expect((await app.api('PATCH', '/auth/me', { token: session.accessToken, body })).status).toBe(400);
    }
    expect((await app.api('PATCH', '/auth/me', { body: { displayName: 'Anonymous' } })).status).toBe(401);
  });

  it('changes the address once the link sent to the new one is opened; the old one gets a notice', async () => {
    const mary = await register(app, 'mary@example.com', 'a-long-enough-password', 'Mary');
    await register(app, 'taken@example.com');
    const session = await login(app, mary.email, mary.password);
    const change = (body: object) => app.api('POST', '/auth/me/email', { token: session.accessToken, body });

    expect((await change({ newEmail: 'new-mary@example.com', password: 'wrong-password-1' })).status).toBe(
      403,
    );
    const taken = await change({ newEmail: 'TAKEN@example.com', password: mary.password });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ statusCode: 409 });
    expect((await change({ newEmail: 'mary@example.com', password: mary.password })).status).toBe(400);
    expect((await change({ newEmail: 'not-an-address', password: mary.password })).status).toBe(400);

    const accepted = await change({ newEmail: 'New-Mary@Example.com', password: mary.password });
    expect(accepted.status).toBe(202);
    const [request] = await outboxEvents(app, VERIFICATION_REQUESTED, { email: 'new-mary@example.com' });
    expect(request.data).toMatchObject({ userId: mary.id, purpose: 'email-change', displayName: 'Mary' });
    // Nothing changed yet.
    expect((await app.api('GET', '/auth/me', { token: session.accessToken })).body.email).toBe(
      'mary@example.com',
    );

    const token = await tokenSentTo(app, VERIFICATION_REQUESTED, 'new-mary@example.com');
    const confirmed = await app.api('POST', '/auth/verify-email', { body: { token } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ id: mary.id, email: 'new-mary@example.com', emailVerified: true });

    const [notice] = await outboxEvents(app, SECURITY_NOTICE, { userId: mary.id });
    expect(notice.data).toMatchObject({
      email: 'mary@example.com',
      notice: 'email-changed',
      displayName: 'Mary',
    });
    const updates = await outboxEvents(app, 'user.updated', { userId: mary.id });
    expect(updates.at(-1)!.data).toEqual({
      userId: mary.id,
      email: 'new-mary@example.com',
      displayName: 'Mary',
      emailVerified: true,
    });

    // The new address logs in, the old one no longer does; the old registration link is void.
    await login(app, 'new-mary@example.com', mary.password);
    expect(
      (await app.api('POST', '/auth/login', { body: { email: 'mary@example.com', password: mary.password } }))
        .status,
    ).toBe(401);
    const oldLink = await tokenSentTo(app, VERIFICATION_REQUESTED, 'mary@example.com');
    expect((await app.api('POST', '/auth/verify-email', { body: { token: oldLink } })).status).toBe(400);
    // The old address is free again.
    await register(app, 'mary@example.com');
  });

  it('refuses the change at confirmation when the new address was registered meanwhile (409, link still usable)', async () => {
    const joan = await register(app, 'joan@example.com');
    const session = await login(app, joan.email, joan.password);
    const accepted = await app.api('POST', '/auth/me/email', {
      token: session.accessToken,
      body: { newEmail: 'contested@example.com', password: joan.password },
    });
    expect(accepted.status).toBe(202);
    const token = await tokenSentTo(app, VERIFICATION_REQUESTED, 'contested@example.com');
    const squatter = await register(app, 'contested@example.com');

    const conflict = await app.api('POST', '/auth/verify-email', { body: { token } });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    expect((await app.api('GET', '/auth/me', { token: session.accessToken })).body.email).toBe(
      'joan@example.com',
    );

    // Once the address is free again, the same link still works.
    const admin = await login(app, 'admin@coursehub.test', 'admin-password-123');
    expect((await app.api('DELETE', `/users/${squatter.id}`, { token: admin.accessToken })).status).toBe(204);
    const later = await app.api('POST', '/auth/verify-email', { body: { token } });
    expect(later.status).toBe(200);
    expect(later.body.email).toBe('contested@example.com');
  });

  it('documents the account routes in OpenAPI, with an example on every property of the auth schemas', async () => {
    const document = (await app.api('GET', '/docs-json')).body as {
      paths: Record<string, Record<string, { tags?: string[]; summary?: string; responses: object }>>;
      components: { schemas: Record<string, { properties?: Record<string, { example?: unknown }> }> };
    };
    const routes = {
      '/auth/verify-email': ['post'],
      '/auth/verify-email/resend': ['post'],
      '/auth/password-reset': ['post'],
      '/auth/password-reset/confirm': ['post'],
      '/auth/password': ['post'],
      '/auth/logout-all': ['post'],
      '/auth/me': ['get', 'patch', 'delete'],
      '/auth/me/email': ['post'],
      '/users/{id}': ['get', 'delete'],
    };
    for (const [path, methods] of Object.entries(routes)) {
      for (const method of methods) {
        const operation = document.paths[path]?.[method];
        expect([path, method, operation?.tags?.length, typeof operation?.summary]).toEqual([
          path,
          method,
          1,
          'string',
        ]);
      }
    }
    const authSchemas = [
      'RegisterDto',
      'LoginDto',
      'RefreshTokenDto',
      'TokenPairDto',
      'JwkDto',
      'JwksDto',
      'UserDto',
      'UpdateRolesDto',
      'VerifyEmailDto',
      'PasswordResetRequestDto',
      'PasswordResetConfirmDto',
      'ChangePasswordDto',
      'SessionsRevokedDto',
      'AcceptedDto',
      'LinkSentDto',
      'UpdateProfileDto',
      'ChangeEmailDto',
      'DeleteAccountDto',
    ];
    for (const name of authSchemas) {
      const properties = document.components.schemas[name]?.properties ?? {};
      expect([name, Object.keys(properties).length > 0]).toEqual([name, true]);
      const withoutExample = Object.entries(properties)
        .filter(([, property]) => property.example === undefined)
        .map(([property]) => property);
      expect([name, withoutExample]).toEqual([name, []]);
    }
  });
});

/** An error body without the request's own id, to compare two answers. */
function withoutRequestId(body: Record<string, unknown>): Record<string, unknown> {
  const { requestId, ...rest } = body;
  expect(typeof requestId).toBe('string');
  return rest;
}

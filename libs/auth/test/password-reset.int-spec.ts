import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  claimsOf,
  login,
  outboxEvents,
  PUBLIC_URL,
  refreshStatus,
  register,
  RESET_REQUESTED,
  SECURITY_NOTICE,
  sql,
  tokenSentTo,
} from './account-helpers';
import { authTestAppForSuite, trustProxyForSuite } from './auth-test-app';

const TTL_MS = 3_000;

/**
 * Password reset by e-mail. TRUST_PROXY=true lets each test play its own clients through
 * X-Forwarded-For, so the per-client budgets of one test do not spill into the next.
 */
describe('password reset', () => {
  trustProxyForSuite();
  const app = authTestAppForSuite({ RESET_LINK_TTL_MS: String(TTL_MS), PUBLIC_URL });
  let clients = 0;
  /** A client address no other request of this file used. */
  const newClient = () => `198.51.100.${++clients}`;
  const requestReset = (email: string, client = newClient()) =>
    app.api('POST', '/auth/password-reset', { body: { email }, headers: { 'x-forwarded-for': client } });
  const registerFresh = (email: string, password?: string) =>
    register(app, email, password, 'Learner', { 'x-forwarded-for': newClient() });

  const resetEventsFor = (email: string) => outboxEvents(app, RESET_REQUESTED, { email });

  it('answers an unknown address exactly as a known one, in about the same time, and e-mails only the known one', async () => {
    const known = await registerFresh('known@example.com');
    const timings: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
    const bodies = new Set<string>();
    for (let round = 0; round < 5; round++) {
      for (const [kind, email] of [
        ['known', known.email],
        ['unknown', 'nobody-here@example.com'],
      ] as const) {
        const started = performance.now();
        const response = await requestReset(email);
        timings[kind].push(performance.now() - started);
        expect(response.status).toBe(202);
        bodies.add(JSON.stringify(response.body));
      }
    }
    expect([...bodies]).toEqual([
      JSON.stringify({
        message: 'If an account has this address, a link to reset its password is on its way.',
      }),
    ]);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    console.log(
      `password reset answer: known median ${median(timings.known).toFixed(1)} ms, unknown median ` +
        `${median(timings.unknown).toFixed(1)} ms`,
    );
    expect(Math.min(...timings.known, ...timings.unknown)).toBeGreaterThanOrEqual(295);
    expect(Math.abs(median(timings.known) - median(timings.unknown))).toBeLessThan(100);

    expect(await resetEventsFor(known.email)).toHaveLength(5);
    const everything = JSON.stringify(await outboxEvents(app));
    expect(everything).not.toContain('nobody-here@example.com');
  });

  it('sets a new password with the e-mailed link: single use, sessions revoked, old password refused', async () => {
    const before = Date.now();
    const user = await registerFresh('forgetful@example.com', 'the-old-password');
    const session = await login(app, user.email, 'the-old-password');
    expect((await requestReset(' Forgetful@Example.com ')).status).toBe(202);
    const [event] = await resetEventsFor(user.email);
    expect(event).toMatchObject({ messageKey: user.id, data: { userId: user.id, displayName: 'Learner' } });
    expect(event.data.resetUrl).toMatch(
      new RegExp(`^${PUBLIC_URL}/reset-password\\?token=[A-Za-z0-9_-]{43}$`),
    );
    expect(Date.parse(String(event.data.expiresAt)) - before).toBeLessThanOrEqual(TTL_MS + 5_000);
    const token = await tokenSentTo(app, RESET_REQUESTED, user.email);
    const stored = await sql<{ token_hash: string }>(
      app,
      "SELECT token_hash FROM account_tokens WHERE user_id = $1 AND purpose = 'password-reset'",
      [user.id],
    );
    expect(stored).toEqual([{ token_hash: createHash('sha256').update(token).digest('hex') }]);

    const tooShort = await app.api('POST', '/auth/password-reset/confirm', {
      body: { token, password: 'short' },
    });
    expect(tooShort.status).toBe(400);

    const confirmed = await app.api('POST', '/auth/password-reset/confirm', {
      body: { token, password: 'the-new-password' },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toEqual({ revokedSessions: 1, currentSessionKept: false });

    const reused = await app.api('POST', '/auth/password-reset/confirm', {
      body: { token, password: 'a-third-password' },
    });
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ statusCode: 400, message: 'This link is invalid or has expired' });

    expect(
      (await app.api('POST', '/auth/login', { body: { email: user.email, password: 'the-old-password' } }))
        .status,
    ).toBe(401);
    const fresh = await login(app, user.email, 'the-new-password');
    // Opening the e-mailed link proved the address.
    expect(claimsOf(fresh.accessToken)).toMatchObject({ emailVerified: true });
    expect(await refreshStatus(app, session.refreshToken)).toBe(401);

    const notices = await outboxEvents(app, SECURITY_NOTICE, { userId: user.id });
    expect(notices.map((notice) => notice.data)).toEqual([
      expect.objectContaining({ email: user.email, notice: 'password-reset', displayName: 'Learner' }),
    ]);
  });

  it('refuses an expired link, and an older link once a newer one was used', async () => {
    const user = await registerFresh('slow@example.com');
    await requestReset(user.email);
    const expiring = await tokenSentTo(app, RESET_REQUESTED, user.email);
    await sleep(TTL_MS + 200);
    const expired = await app.api('POST', '/auth/password-reset/confirm', {
      body: { token: expiring, password: 'never-set-password' },
    });
    expect(expired.status).toBe(400);
    expect(expired.body).toMatchObject({ message: 'This link is invalid or has expired' });

    await requestReset(user.email);
    const older = await tokenSentTo(app, RESET_REQUESTED, user.email);
    await requestReset(user.email);
    const newer = await tokenSentTo(app, RESET_REQUESTED, user.email);
    expect(
      (
        await app.api('POST', '/auth/password-reset/confirm', {
          body: { token: newer, password: 'newest-password' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await app.api('POST', '/auth/password-reset/confirm', {
          body: { token: older, password: 'older-password-1' },
        })
      ).status,
    ).toBe(400);
    await login(app, user.email, 'newest-password');

    const unknown = await app.api('POST', '/auth/password-reset/confirm', {
      body: { token: 'q8Wm3Yt0bA1nV7cXo2LrE5sJ9gHk4uPd6fZiTwQyRNe', password: 'whatever-password' },
    });
    expect(unknown.status).toBe(400);
  });

  it('throttles per client (429 whatever the address) and per address (202 without an e-mail)', async () => {
    const client = newClient();
    for (let attempt = 0; attempt < 10; attempt++) {
      expect((await requestReset(`someone-${attempt}@example.com`, client)).status).toBe(202);
    }
    const limited = await requestReset('someone-else@example.com', client);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    const target = await registerFresh('popular@example.com');
    const answers = new Set<string>();
    for (let attempt = 0; attempt < 12; attempt++) {
      const response = await requestReset(target.email);
      expect(response.status).toBe(202);
      answers.add(JSON.stringify(response.body));
    }
    expect(answers.size).toBe(1);
    // The address's budget (AUTH_THROTTLE_LIMIT = 10) bounds the e-mails, not the answers.
    expect(await resetEventsFor(target.email)).toHaveLength(10);
  });

  it('refuses malformed requests with 400', async () => {
    for (const body of [{}, { email: 'not-an-address' }, { email: 'a@example.com', extra: true }]) {
      const response = await app.api('POST', '/auth/password-reset', {
        body,
        headers: { 'x-forwarded-for': newClient() },
      });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
    expect(
      (await app.api('POST', '/auth/password-reset/confirm', { body: { password: 'long-enough-1' } })).status,
    ).toBe(400);
  });
});

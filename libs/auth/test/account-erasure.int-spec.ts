import { createHash } from 'node:crypto';
import {
  login,
  outboxEvents,
  outboxRelayed,
  register,
  sql,
  tokenSentTo,
  VERIFICATION_REQUESTED,
} from './account-helpers';
import { ADMIN, AuthTestApp, authTestAppForSuite } from './auth-test-app';

/** Every row of every table of the auth database, as text, that contains `needle` (case-insensitively). */
async function rowsContaining(app: AuthTestApp, needle: string): Promise<{ table: string; row: string }[]> {
  const tables = await sql<{ table_name: string }>(
    app,
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
  );
  const found: { table: string; row: string }[] = [];
  for (const { table_name: table } of tables) {
    const rows = await sql<{ row: string }>(
      app,
      `SELECT t::text AS row FROM "${table}" t WHERE strpos(lower(t::text), lower($1)) > 0`,
      [needle],
    );
    found.push(...rows.map(({ row }) => ({ table, row })));
  }
  return found;
}

describe('account erasure and export', () => {
  const app = authTestAppForSuite({ AUTH_THROTTLE_LIMIT: '1000', OUTBOX_POLL_MS: '50' });

  it('exports the profile and the sessions, never a token or its hash', async () => {
    const user = await register(app, 'exporter@example.com', 'export-password-1', 'Ex Porter');
    const token = await tokenSentTo(app, VERIFICATION_REQUESTED, user.email);
    expect((await app.api('POST', '/auth/verify-email', { body: { token } })).status).toBe(200);
    const first = await login(app, user.email, user.password);
    const second = await login(app, user.email, user.password);
    expect(
      (await app.api('POST', '/auth/logout', { body: { refreshToken: first.refreshToken } })).status,
    ).toBe(204);
    const rotated = await app.api('POST', '/auth/refresh', { body: { refreshToken: second.refreshToken } });
    expect(rotated.status).toBe(200);

    const exported = await app.api('GET', '/me/export', { token: second.accessToken });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('cache-control')).toBe('no-store');
    expect(exported.body).toMatchObject({
      userId: user.id,
      auth: {
        profile: {
          email: user.email,
          displayName: 'Ex Porter',
          roles: ['student'],
          emailVerified: true,
          createdAt: expect.any(String),
        },
      },
    });
    const sessions = exported.body.auth.sessions as Record<string, string | null>[];
    expect(sessions).toHaveLength(2);
    for (const session of sessions) {
      expect(Object.keys(session).sort()).toEqual(['createdAt', 'expiresAt', 'lastUsedAt', 'revokedAt']);
    }
    // Newest first: the second login (refreshed once, live), then the first (logged out).
    expect(sessions[0].revokedAt).toBeNull();
    expect(Date.parse(sessions[0].lastUsedAt!)).toBeGreaterThan(Date.parse(sessions[0].createdAt!));
    expect(sessions[1].revokedAt).toEqual(expect.any(String));

    const text = JSON.stringify(exported.body);
    const secrets = await sql<{ token_hash: string }>(
      app,
      'SELECT token_hash FROM refresh_tokens WHERE user_id = $1 UNION ALL SELECT token_hash FROM account_tokens WHERE user_id = $1',
      [user.id],
    );
    expect(secrets.length).toBeGreaterThan(0);
    for (const { token_hash: hash } of secrets) expect(text).not.toContain(hash);
    for (const secret of [first.refreshToken, second.refreshToken, rotated.body.refreshToken, token]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/password/i);
  });

  it('DELETE /auth/me erases every row about the account, outbox included; login 401; the address registers anew', async () => {
    const email = 'erase-me@example.com';
    const user = await register(app, email, 'erase-password-1', 'Eraser');
    const session = await login(app, email, user.password);
    // Leave traces everywhere auth keeps something: a failed login, a reset request, a resend,
    // a profile change, a pending address change, two sessions.
    expect((await app.api('POST', '/auth/password-reset', { body: { email } })).status).toBe(202);
    expect((await app.api('POST', '/auth/verify-email/resend', { token: session.accessToken })).status).toBe(
      202,
    );
    expect(
      (
        await app.api('PATCH', '/auth/me', {
          token: session.accessToken,
          body: { displayName: 'Still Eraser' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await app.api('POST', '/auth/me/email', {
          token: session.accessToken,
          body: { newEmail: 'erase-me-new@example.com', password: user.password },
        })
      ).status,
    ).toBe(202);
    await login(app, email, user.password);
    // After the last successful login, which forgets the account's failures.
    expect(
      (await app.api('POST', '/auth/login', { body: { email, password: 'wrong-password-1' } })).status,
    ).toBe(401);
    await outboxRelayed(app);
    const emailKey = createHash('sha256').update(email).digest('base64url');
    expect((await rowsContaining(app, email)).length).toBeGreaterThan(0);
    expect(
      await sql(app, 'SELECT 1 FROM credential_attempts WHERE subject = ANY($1)', [[emailKey, user.id]]),
    ).toHaveLength(3);

    const wrong = await app.api('DELETE', '/auth/me', {
      token: session.accessToken,
      body: { password: 'not-it-1' },
    });
    expect(wrong.status).toBe(403);
    expect((await app.api('DELETE', '/auth/me', { token: session.accessToken, body: {} })).status).toBe(400);
    expect((await app.api('DELETE', '/auth/me', { body: { password: user.password } })).status).toBe(401);

    const deleted = await app.api('DELETE', '/auth/me', {
      token: session.accessToken,
      body: { password: user.password },
    });
    expect(deleted.status).toBe(204);
    await outboxRelayed(app);

    // Nothing in any table mentions either address, or the hash throttling counted the address by.
    expect(await rowsContaining(app, email)).toEqual([]);
    expect(await rowsContaining(app, 'erase-me-new@example.com')).toEqual([]);
    expect(await rowsContaining(app, emailKey)).toEqual([]);
    // The id survives in one row only: the published `user.deleted`, which carries nothing else.
    const withId = await rowsContaining(app, user.id);
    expect(withId.map((row) => row.table)).toEqual(['outbox_messages']);
    const [gone] = await outboxEvents(app, 'user.deleted');
    expect(gone).toMatchObject({ messageKey: user.id, sentAt: expect.any(Date) });
    expect(Object.keys(gone.data).sort()).toEqual(['deletedAt', 'userId']);

    expect((await app.api('POST', '/auth/login', { body: { email, password: user.password } })).status).toBe(
      401,
    );
    expect((await app.api('GET', '/auth/me', { token: session.accessToken })).status).toBe(404);
    const exported = await app.api('GET', '/me/export', { token: session.accessToken });
    expect(exported.body.auth).toEqual({ profile: null, sessions: [] });

    const again = await register(app, email, 'a-brand-new-password', 'Someone New');
    expect(again.id).not.toBe(user.id);
    await login(app, email, 'a-brand-new-password');
  });

  it('admins delete users (204, then 404); the last admin cannot be deleted; others may not delete', async () => {
    const admin = await login(app, ADMIN.email, ADMIN.password);
    const user = await register(app, 'removed@example.com', 'removed-password-1');
    const student = await login(app, user.email, user.password);
    expect((await app.api('DELETE', `/users/${user.id}`, { token: student.accessToken })).status).toBe(403);
    expect((await app.api('DELETE', '/users/not-a-uuid', { token: admin.accessToken })).status).toBe(400);

    expect((await app.api('DELETE', `/users/${user.id}`, { token: admin.accessToken })).status).toBe(204);
    expect((await app.api('GET', `/users/${user.id}`, { token: admin.accessToken })).status).toBe(404);
    expect((await app.api('DELETE', `/users/${user.id}`, { token: admin.accessToken })).status).toBe(404);
    expect(
      (await app.api('POST', '/auth/refresh', { body: { refreshToken: student.refreshToken } })).status,
    ).toBe(401);
    await outboxRelayed(app);
    expect(await rowsContaining(app, 'removed@example.com')).toEqual([]);

    const adminId = (await app.api('GET', '/auth/me', { token: admin.accessToken })).body.id as string;
    const last = await app.api('DELETE', `/users/${adminId}`, { token: admin.accessToken });
    expect(last.status).toBe(409);
    expect(last.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    await login(app, ADMIN.email, ADMIN.password);
  });
});

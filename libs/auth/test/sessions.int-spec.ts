import {
  login,
  refreshStatus,
  refreshStatuses,
  register,
  RESET_REQUESTED,
  securityNotices,
  Session,
  tokenSentTo,
} from './account-helpers';
import { authTestAppForSuite } from './auth-test-app';

/** Sessions (refresh-token families) end on a password reset, a password change and "sign out everywhere". */
describe('sessions revoked by password reset, password change and logout-all', () => {
  const app = authTestAppForSuite({ AUTH_THROTTLE_LIMIT: '1000' });

  const OLD_PASSWORD = 'first-password-1';
  const NEW_PASSWORD = 'second-password-2';
  /** `POST /auth/password` from `session` (old → new password unless `body` says otherwise). */
  const changePassword = (session: Session | undefined, body: Record<string, string> = {}) =>
    app.api('POST', '/auth/password', {
      token: session?.accessToken,
      body: { currentPassword: OLD_PASSWORD, newPassword: NEW_PASSWORD, ...body },
    });

  it('a password change keeps the session whose refresh token came with it and ends the others', async () => {
    const user = await register(app, 'changer@example.com', OLD_PASSWORD);
    const laptop = await login(app, user.email, OLD_PASSWORD);
    const phone = await login(app, user.email, OLD_PASSWORD);
    const tablet = await login(app, user.email, OLD_PASSWORD);

    const wrong = await changePassword(laptop, { currentPassword: 'not-my-password' });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({ statusCode: 403, message: 'The password is wrong' });
    expect((await changePassword(laptop, { newPassword: 'short' })).status).toBe(400);
    expect((await changePassword(undefined)).status).toBe(401);

    const changed = await changePassword(laptop, { refreshToken: laptop.refreshToken });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ revokedSessions: 2, currentSessionKept: true });

    expect(await refreshStatuses(app, [laptop, phone, tablet])).toEqual([200, 401, 401]);
    expect(
      (await app.api('POST', '/auth/login', { body: { email: user.email, password: OLD_PASSWORD } })).status,
    ).toBe(401);
    await login(app, user.email, NEW_PASSWORD);
    expect(await securityNotices(app, user.id)).toEqual(['password-changed']);
  });

  it('a password change without a refresh token (or with somebody else’s) ends every session', async () => {
    const user = await register(app, 'changer-2@example.com', OLD_PASSWORD);
    const other = await register(app, 'bystander@example.com', 'bystander-password');
    const otherSession = await login(app, other.email, other.password);
    const first = await login(app, user.email, OLD_PASSWORD);
    const second = await login(app, user.email, OLD_PASSWORD);

    const changed = await changePassword(first, { refreshToken: otherSession.refreshToken });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ revokedSessions: 2, currentSessionKept: false });
    // Somebody else's session is not touched.
    expect(await refreshStatuses(app, [first, second, otherSession])).toEqual([401, 401, 200]);
  });

  it('a password reset ends every session', async () => {
    const user = await register(app, 'resetter@example.com', OLD_PASSWORD);
    const sessions = [await login(app, user.email, OLD_PASSWORD), await login(app, user.email, OLD_PASSWORD)];
    expect((await app.api('POST', '/auth/password-reset', { body: { email: user.email } })).status).toBe(202);
    const token = await tokenSentTo(app, RESET_REQUESTED, user.email);
    const confirmed = await app.api('POST', '/auth/password-reset/confirm', {
      body: { token, password: NEW_PASSWORD },
    });
    expect(confirmed.body).toEqual({ revokedSessions: 2, currentSessionKept: false });
    expect(await refreshStatuses(app, sessions)).toEqual([401, 401]);
    expect(await securityNotices(app, user.id)).toEqual(['password-reset']);
  });

  it('logout-all (204) ends every session of the caller and only theirs', async () => {
    const user = await register(app, 'leaver@example.com', OLD_PASSWORD);
    const other = await register(app, 'stayer@example.com', 'stayer-password-1');
    const otherSession = await login(app, other.email, other.password);
    const sessions = [await login(app, user.email, OLD_PASSWORD), await login(app, user.email, OLD_PASSWORD)];
    expect((await app.api('POST', '/auth/logout-all')).status).toBe(401);
    const out = await app.api('POST', '/auth/logout-all', { token: sessions[0].accessToken });
    expect(out.status).toBe(204);
    expect(out.body).toBeUndefined();
    expect(await refreshStatuses(app, [...sessions, otherSession])).toEqual([401, 401, 200]);
    expect(await securityNotices(app, user.id)).toEqual(['signed-out-everywhere']);
    // Signing in again starts a new session.
    const again = await login(app, user.email, OLD_PASSWORD);
    expect(await refreshStatus(app, again.refreshToken)).toBe(200);
  });
});

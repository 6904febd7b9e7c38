import * as argon2 from 'argon2';
import { Client } from 'pg';
import { ADMIN, AuthTestApp, call, startAuthTestApp } from './auth-test-app';

describe('first admin, last admin and password hashes', () => {
  let service: AuthTestApp;
  let db: Client;
  let adminToken: string;

  beforeAll(async () => {
    service = await startAuthTestApp({ AUTH_THROTTLE_LIMIT: '1000' });
    db = new Client({ connectionString: service.database.url });
    await db.connect();
    const adminLogin = await call(service.url, 'POST', '/auth/login', { body: ADMIN });
    expect(adminLogin.status).toBe(200);
    adminToken = adminLogin.body.accessToken;
  });
  afterAll(async () => {
    await db?.end();
    await service?.close();
  });

  const api = (method: string, path: string, options: { token?: string; body?: unknown } = {}) =>
    call(service.url, method, path, options);
  const registerAndLogin = async (email: string) => {
    const password = 'long-enough-password';
    const { id } = (await api('POST', '/auth/register', { body: { email, password } })).body;
    const token = (await api('POST', '/auth/login', { body: { email, password } })).body
      .accessToken as string;
    return { id: id as string, token };
  };
  const rolesOf = async (email: string) =>
    (await db.query('SELECT roles FROM users WHERE email = $1', [email])).rows[0]?.roles as string[];

  it('refuses to start when ADMIN_EMAIL belongs to an account that is not an admin, and promotes no one', async () => {
    await registerAndLogin('squatter@example.com');
    const failure = await startAuthTestApp(
      { ADMIN_EMAIL: 'Squatter@Example.com', ADMIN_PASSWORD: 'the-operators-password' },
      { sharedDatabase: service.database },
    ).then(
      (started) => started.close().then(() => undefined),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(
      /ADMIN_EMAIL squatter@example\.com belongs to an existing account that is not an admin/,
    );
    expect((failure as Error).message).toMatch(/Set ADMIN_EMAIL to an address no account uses/);
    expect(await rolesOf('squatter@example.com')).toEqual(['student']);
    // The password of the squatted account is not replaced by ADMIN_PASSWORD either.
    const asOperator = await api('POST', '/auth/login', {
      body: { email: 'squatter@example.com', password: 'the-operators-password' },
    });
    expect(asOperator.status).toBe(401);
  });

  it('starts normally when ADMIN_EMAIL is already an admin (a restart)', async () => {
    const replica = await startAuthTestApp({}, { sharedDatabase: service.database });
    await replica.close();
    expect(await rolesOf(ADMIN.email)).toEqual(['admin']);
  });

  it('never demotes the last admin (409 in the one error shape), whoever asks', async () => {
    const me = await api('GET', '/auth/me', { token: adminToken });
    const adminId = me.body.id as string;
    const selfDemotion = await api('PATCH', `/users/${adminId}/roles`, {
      token: adminToken,
      body: { roles: ['student'] },
    });
    expect(selfDemotion.status).toBe(409);
    expect(selfDemotion.body).toMatchObject({
      statusCode: 409,
      error: 'Conflict',
      message: expect.stringMatching(/last admin/),
    });
    expect(await rolesOf(ADMIN.email)).toEqual(['admin']);

    // With a second admin, one of them may go; then the other is the last one.
    const deputy = await registerAndLogin('deputy@example.com');
    const promoted = await api('PATCH', `/users/${deputy.id}/roles`, {
      token: adminToken,
      body: { roles: ['admin'] },
    });
    expect(promoted.status).toBe(200);
    expect(
      (await api('PATCH', `/users/${adminId}/roles`, { token: adminToken, body: { roles: ['instructor'] } }))
        .status,
    ).toBe(200);
    const deputyToken = (
      await api('POST', '/auth/login', {
        body: { email: 'deputy@example.com', password: 'long-enough-password' },
      })
    ).body.accessToken as string;
    expect(
      (await api('PATCH', `/users/${deputy.id}/roles`, { token: deputyToken, body: { roles: ['student'] } }))
        .status,
    ).toBe(409);
    // Both demoting each other at once: exactly one succeeds.
    await api('PATCH', `/users/${adminId}/roles`, { token: deputyToken, body: { roles: ['admin'] } });
    const freshAdminToken = (await api('POST', '/auth/login', { body: ADMIN })).body.accessToken as string;
    const race = await Promise.all([
      api('PATCH', `/users/${deputy.id}/roles`, { token: freshAdminToken, body: { roles: ['student'] } }),
      api('PATCH', `/users/${adminId}/roles`, { token: deputyToken, body: { roles: ['student'] } }),
    ]);
    expect(race.map((response) => response.status).sort()).toEqual([200, 409]);
    expect(
      (await db.query(`SELECT count(*)::int AS n FROM users WHERE 'admin' = ANY(roles)`)).rows[0].n,
    ).toBe(1);
  });

  it('hashes with argon2id at m=19 MiB, t=2, p=1 and upgrades a hash with other parameters at the next login', async () => {
    const email = 'legacy@example.com';
    const password = 'legacy-password-123';
    await api('POST', '/auth/register', { body: { email, password } });
    const current = (await db.query('SELECT password_hash FROM users WHERE email = $1', [email])).rows[0]
      .password_hash;
    expect(current).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    // A hash made with the previous defaults (64 MiB, t=3, p=4), as older releases stored them.
    const legacy = await argon2.hash(password, {
      type: argon2.argon2id,
      memoryCost: 65_536,
      timeCost: 3,
      parallelism: 4,
    });
    await db.query('UPDATE users SET password_hash = $2 WHERE email = $1', [email, legacy]);

    expect((await api('POST', '/auth/login', { body: { email, password: 'not-the-password' } })).status).toBe(
      401,
    );
    const stillLegacy = (await db.query('SELECT password_hash FROM users WHERE email = $1', [email])).rows[0]
      .password_hash;
    expect(stillLegacy).toBe(legacy); // a failed login changes nothing

    expect((await api('POST', '/auth/login', { body: { email, password } })).status).toBe(200);
    const upgraded = (await db.query('SELECT password_hash FROM users WHERE email = $1', [email])).rows[0]
      .password_hash;
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await argon2.verify(upgraded, password)).toBe(true);
    expect((await api('POST', '/auth/login', { body: { email, password } })).status).toBe(200);
  });
});

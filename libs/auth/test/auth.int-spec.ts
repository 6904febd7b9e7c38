import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as signWithKey,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { ADMIN, authTestAppForSuite } from './auth-test-app';

function base64url(value: object | Buffer): string {
  return (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');
}

function decode(token: string): { header: any; payload: any } {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()),
  };
}

describe('auth service', () => {
  const service = authTestAppForSuite({ AUTH_THROTTLE_LIMIT: '1000' });

  it('register → login → me → refresh → replay revokes the family → logout', async () => {
    const registered = await service.api('POST', '/auth/register', {
      body: { email: '  Grace@Example.COM ', password: 'hopper-1906-cobol', displayName: 'Grace Hopper' },
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({
      email: 'grace@example.com',
      displayName: 'Grace Hopper',
      roles: ['student'],
    });
    expect(registered.body).not.toHaveProperty('passwordHash');

    const login = await service.api('POST', '/auth/login', {
      body: { email: 'GRACE@example.com', password: 'hopper-1906-cobol' },
    });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ expiresIn: 900, tokenType: 'Bearer' });
    const { header, payload } = decode(login.body.accessToken);
    expect(header).toMatchObject({ alg: 'RS256' });
    expect(typeof header.kid).toBe('string');
    expect(payload).toMatchObject({
      sub: registered.body.id,
      email: 'grace@example.com',
      roles: ['student'],
      iss: 'coursehub-auth',
      aud: 'coursehub',
    });
    expect(payload.exp - payload.iat).toBe(900);

    const me = await service.api('GET', '/auth/me', { token: login.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(registered.body.id);

    const refreshed = await service.api('POST', '/auth/refresh', {
      body: { refreshToken: login.body.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(login.body.refreshToken);
    expect((await service.api('GET', '/auth/me', { token: refreshed.body.accessToken })).status).toBe(200);

    // Replaying the spent token: rejected, and the newest token of the family dies with it.
    const replay = await service.api('POST', '/auth/refresh', {
      body: { refreshToken: login.body.refreshToken },
    });
    expect(replay.status).toBe(401);
    expect(
      (await service.api('POST', '/auth/refresh', { body: { refreshToken: refreshed.body.refreshToken } }))
        .status,
    ).toBe(401);

    // A new session is unaffected by the revoked one; logout ends it.
    const second = await service.api('POST', '/auth/login', {
      body: { email: 'grace@example.com', password: 'hopper-1906-cobol' },
    });
    expect(
      (await service.api('POST', '/auth/logout', { body: { refreshToken: second.body.refreshToken } }))
        .status,
    ).toBe(204);
    expect(
      (await service.api('POST', '/auth/refresh', { body: { refreshToken: second.body.refreshToken } }))
        .status,
    ).toBe(401);
  });

  it('answers every validation failure with a 400 naming the field', async () => {
    const cases: [string, unknown, string][] = [
      ['/auth/register', { email: 'not-an-email', password: 'long-enough-password' }, 'email'],
      ['/auth/register', { email: 'short@example.com', password: 'short' }, 'password'],
      [
        '/auth/register',
        { email: 'x@example.com', password: 'long-enough-password', isAdmin: true },
        'isAdmin',
      ],
      [
        '/auth/register',
        { email: 'y@example.com', password: 'long-enough-password', displayName: '' },
        'displayName',
      ],
      ['/auth/login', { email: 'x@example.com' }, 'password'],
      ['/auth/refresh', { refreshToken: 42 }, 'refreshToken'],
    ];
    for (const [path, body, field] of cases) {
      const response = await service.api('POST', path, { body });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(typeof response.body.requestId).toBe('string');
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    }
  });

  it('refuses a second account for the same e-mail in another case with 409', async () => {
    expect(
      (
        await service.api('POST', '/auth/register', {
          body: { email: 'dup@example.com', password: 'long-enough-password' },
        })
      ).status,
    ).toBe(201);
    const duplicate = await service.api('POST', '/auth/register', {
      body: { email: 'DUP@Example.com', password: 'long-enough-password' },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
  });

  it('announces every new user (and the seeded admin) once through the outbox, and a refused one never', async () => {
    const registered = await service.api('POST', '/auth/register', {
      body: { email: 'Announced@Example.com', password: 'long-enough-password', displayName: 'Ann' },
    });
    expect(registered.status).toBe(201);
    await service.api('POST', '/auth/register', {
      body: { email: 'announced@example.com', password: 'long-enough-password' },
    });
    const database = new Client({ connectionString: service.database.url });
    await database.connect();
    try {
      const { rows } = await database.query<{ topic: string; key: string; envelope: any }>(
        `SELECT topic, message_key AS key, envelope FROM outbox_messages WHERE envelope->>'type' = 'user.registered'`,
      );
      const announced = rows.filter((row) => row.envelope.data.email === 'announced@example.com');
      expect(announced).toEqual([
        {
          topic: 'coursehub.user.registered.v1',
          key: registered.body.id,
          envelope: expect.objectContaining({
            type: 'user.registered',
            version: 1,
            producer: 'auth',
            data: { userId: registered.body.id, email: 'announced@example.com', displayName: 'Ann' },
          }),
        },
      ]);
      expect(rows.filter((row) => row.envelope.data.email === ADMIN.email)).toHaveLength(1);
    } finally {
      await database.end();
    }
  });

  it('gives unknown e-mail and wrong password the same 401', async () => {
    await service.api('POST', '/auth/register', {
      body: { email: 'known@example.com', password: 'long-enough-password' },
    });
    const unknown = await service.api('POST', '/auth/login', {
      body: { email: 'nobody@example.com', password: 'long-enough-password' },
    });
    const wrong = await service.api('POST', '/auth/login', {
      body: { email: 'known@example.com', password: 'wrong-password-here' },
    });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body.message).toBe(wrong.body.message);
  });

  describe('access tokens', () => {
    let valid: string;

    beforeAll(async () => {
      await service.api('POST', '/auth/register', {
        body: { email: 'tokens@example.com', password: 'long-enough-password' },
      });
      valid = (
        await service.api('POST', '/auth/login', {
          body: { email: 'tokens@example.com', password: 'long-enough-password' },
        })
      ).body.accessToken;
    });

    const me = (token: string) => service.api('GET', '/auth/me', { token });

    it('accepts the genuine token', async () => {
      expect((await me(valid)).status).toBe(200);
    });

    it('rejects a tampered signature', async () => {
      const [header, payload, signature] = valid.split('.');
      const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
      expect((await me(`${header}.${payload}.${flipped}`)).status).toBe(401);
      const promoted = base64url({ ...decode(valid).payload, roles: ['admin'] });
      expect((await me(`${header}.${promoted}.${signature}`)).status).toBe(401);
    });

    it('rejects an expired token signed with the real key', async () => {
      const privateKey = createPrivateKey(readFileSync(`${service.dataDir}/auth/jwt-private.pem`, 'utf8'));
      const { header, payload } = decode(valid);
      const now = Math.floor(Date.now() / 1000);
      const unsigned = `${base64url(header)}.${base64url({ ...payload, iat: now - 3600, exp: now - 60 })}`;
      const expired = `${unsigned}.${base64url(signWithKey('sha256', Buffer.from(unsigned), privateKey))}`;
      expect((await me(expired)).status).toBe(401);
      // The same construction with a valid exp is accepted, so it is the expiry that was refused.
      const fresh = `${base64url(header)}.${base64url({ ...payload, exp: now + 60 })}`;
      expect(
        (await me(`${fresh}.${base64url(signWithKey('sha256', Buffer.from(fresh), privateKey))}`)).status,
      ).toBe(200);
    });

    it('rejects alg none', async () => {
      const { header, payload } = decode(valid);
      expect((await me(`${base64url({ ...header, alg: 'none' })}.${base64url(payload)}.`)).status).toBe(401);
    });

    it('rejects HS256 signed with the public key as the secret', async () => {
      const jwks = (await service.api('GET', '/auth/.well-known/jwks.json')).body;
      const publicPem = createPublicKey({ key: jwks.keys[0], format: 'jwk' }).export({
        type: 'spki',
        format: 'pem',
      });
      const { header, payload } = decode(valid);
      const unsigned = `${base64url({ ...header, alg: 'HS256' })}.${base64url(payload)}`;
      const forged = `${unsigned}.${createHmac('sha256', publicPem).update(unsigned).digest('base64url')}`;
      expect((await me(forged)).status).toBe(401);
    });

    it('rejects a token with an unknown kid, even when well signed', async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const { header, payload } = decode(valid);
      const unsigned = `${base64url({ ...header, kid: 'someone-elses-key' })}.${base64url(payload)}`;
      expect(
        (await me(`${unsigned}.${base64url(signWithKey('sha256', Buffer.from(unsigned), privateKey))}`))
          .status,
      ).toBe(401);
    });

    it('publishes the verifying key as JWKS', async () => {
      const jwks = await service.api('GET', '/auth/.well-known/jwks.json');
      expect(jwks.status).toBe(200);
      expect(jwks.body.keys).toEqual([
        expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: decode(valid).header.kid }),
      ]);
    });
  });

  describe('administration', () => {
    let adminToken: string;
    let studentToken: string;
    let studentId: string;

    beforeAll(async () => {
      adminToken = (await service.api('POST', '/auth/login', { body: ADMIN })).body.accessToken;
      studentId = (
        await service.api('POST', '/auth/register', {
          body: { email: 'student@example.com', password: 'long-enough-password' },
        })
      ).body.id;
      studentToken = (
        await service.api('POST', '/auth/login', {
          body: { email: 'student@example.com', password: 'long-enough-password' },
        })
      ).body.accessToken;
    });

    /** `PATCH /users/{student}/roles` with `token`. */
    const setStudentRoles = (token: string, roles: string[]) =>
      service.api('PATCH', `/users/${studentId}/roles`, { token, body: { roles } });

    it('seeded the first admin from ADMIN_EMAIL/ADMIN_PASSWORD', async () => {
      expect((await service.api('GET', '/auth/me', { token: adminToken })).body.roles).toEqual(['admin']);
    });

    it('forbids students the admin routes with 403 and anonymous callers with 401', async () => {
      expect((await service.api('GET', '/users', { token: studentToken })).status).toBe(403);
      expect((await setStudentRoles(studentToken, ['admin'])).status).toBe(403);
      expect((await service.api('GET', '/users')).status).toBe(401);
    });

    it('lists, filters and pages users', async () => {
      const first = await service.api('GET', '/users?limit=2', { token: adminToken });
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(2);
      expect(typeof first.body.nextCursor).toBe('string');
      // Following the cursors walks every user once, newest first, and ends with a null cursor.
      const seen: { id: string; createdAt: string }[] = [...first.body.items];
      let cursor: string | null = first.body.nextCursor;
      while (cursor) {
        const next = await service.api('GET', `/users?limit=2&cursor=${encodeURIComponent(cursor)}`, {
          token: adminToken,
        });
        expect(next.status).toBe(200);
        expect(next.body.items.length).toBeGreaterThan(0);
        seen.push(...next.body.items);
        cursor = next.body.nextCursor;
      }
      expect(seen.length).toBeGreaterThanOrEqual(3);
      expect(new Set(seen.map((user) => user.id)).size).toBe(seen.length);
      const times = seen.map((user) => Date.parse(user.createdAt));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      const everyone = await service.api('GET', '/users?limit=100', { token: adminToken });
      expect(everyone.body.nextCursor).toBeNull();
      expect(everyone.body.items.map((user: { id: string }) => user.id)).toEqual(seen.map((user) => user.id));

      const admins = await service.api('GET', '/users?role=admin', { token: adminToken });
      expect(admins.body.items.map((user: { email: string }) => user.email)).toEqual([ADMIN.email]);
      const byEmail = await service.api('GET', '/users?email=STUDENT@', { token: adminToken });
      expect(byEmail.body.items.map((user: { id: string }) => user.id)).toEqual([studentId]);
      expect((await service.api('GET', '/users?limit=1000', { token: adminToken })).status).toBe(400);
      expect((await service.api('GET', '/users?role=wizard', { token: adminToken })).status).toBe(400);
      const altered = await service.api('GET', '/users?cursor=not-a-cursor', { token: adminToken });
      expect(altered.status).toBe(400);
      expect(altered.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    });

    it('gets one user and changes roles', async () => {
      expect((await service.api('GET', `/users/${studentId}`, { token: adminToken })).body.email).toBe(
        'student@example.com',
      );
      expect(
        (await service.api('GET', '/users/00000000-0000-4000-8000-000000000000', { token: adminToken }))
          .status,
      ).toBe(404);
      expect((await service.api('GET', '/users/not-a-uuid', { token: adminToken })).status).toBe(400);
      const promoted = await setStudentRoles(adminToken, ['student', 'instructor']);
      expect(promoted.status).toBe(200);
      expect(promoted.body.roles).toEqual(['student', 'instructor']);
      expect((await setStudentRoles(adminToken, ['pope'])).status).toBe(400);
      const relogin = await service.api('POST', '/auth/login', {
        body: { email: 'student@example.com', password: 'long-enough-password' },
      });
      expect(decode(relogin.body.accessToken).payload.roles).toEqual(['student', 'instructor']);
    });

    it('documents every route in OpenAPI', async () => {
      const document = (await service.api('GET', '/docs-json')).body;
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining([
          '/auth/register',
          '/auth/login',
          '/auth/refresh',
          '/auth/logout',
          '/auth/me',
          '/auth/.well-known/jwks.json',
          '/users',
          '/users/{id}',
          '/users/{id}/roles',
        ]),
      );
    });
  });
});

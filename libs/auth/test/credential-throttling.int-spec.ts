import { AuthTestApp, call, startAuthTestApp, trustProxyForSuite } from './auth-test-app';

/**
 * Two auth replicas on one database, as in production: budgets are shared, and the client
 * address comes from X-Forwarded-For (TRUST_PROXY=true here) so the test can play many clients.
 */
describe('credential throttling shared across replicas', () => {
  const BASE_DELAY_MS = 2_000;
  const MAX_ACCOUNT_DELAY_MS = 1_500;
  let first: AuthTestApp;
  let second: AuthTestApp;

  trustProxyForSuite();
  beforeAll(async () => {
    const env = {
      AUTH_THROTTLE_LIMIT: '3',
      AUTH_THROTTLE_BASE_DELAY_MS: String(BASE_DELAY_MS),
      AUTH_THROTTLE_MAX_ACCOUNT_DELAY_MS: String(MAX_ACCOUNT_DELAY_MS),
    };
    first = await startAuthTestApp(env);
    second = await startAuthTestApp(env, { sharedDatabase: first.database });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  const login = (app: AuthTestApp, client: string, email: string, password = 'wrong-password-1') =>
    call(app.url, 'POST', '/auth/login', {
      body: { email, password },
      headers: { 'x-forwarded-for': client },
    });
  const register = (app: AuthTestApp, client: string, email: string) =>
    call(app.url, 'POST', '/auth/register', {
      body: { email, password: 'long-enough-password' },
      headers: { 'x-forwarded-for': client },
    });

  it('counts one client’s failures on every replica, then answers 429 with doubling Retry-After', async () => {
    const client = '203.0.113.10';
    expect((await login(first, client, 'a1@example.com')).status).toBe(401);
    expect((await login(second, client, 'a2@example.com')).status).toBe(401);
    expect((await login(first, client, 'a3@example.com')).status).toBe(401);
    for (const app of [first, second]) {
      const limited = await login(app, client, 'a4@example.com');
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      expect(Number(limited.headers.get('retry-after'))).toBe(BASE_DELAY_MS / 1000);
    }
    // Another client is not affected.
    expect((await login(second, '203.0.113.11', 'a5@example.com')).status).toBe(401);
    // After the delay one more try is evaluated; failing doubles the next delay.
    await new Promise((resolve) => setTimeout(resolve, BASE_DELAY_MS + 100));
    expect((await login(second, client, 'a6@example.com')).status).toBe(401);
    const longer = await login(first, client, 'a7@example.com');
    expect(longer.status).toBe(429);
    expect(Number(longer.headers.get('retry-after'))).toBe((2 * BASE_DELAY_MS) / 1000);
  });

  it('groups IPv6 clients by /64: rotating addresses inside one network does not reset the count', async () => {
    for (const [index, address] of [
      '2001:db8:77:1::1',
      '2001:db8:77:1::2',
      '2001:db8:77:1:abcd::3',
    ].entries()) {
      expect((await login(index % 2 ? second : first, address, `v6-${index}@example.com`)).status).toBe(401);
    }
    expect((await login(first, '2001:db8:77:1:ffff:ffff:ffff:fffe', 'v6-x@example.com')).status).toBe(429);
    expect((await login(second, '2001:db8:77:2::1', 'v6-y@example.com')).status).toBe(401); // the next /64
  });

  it('slows an attacked account down but never locks its owner out', async () => {
    const owner = { email: 'victim@example.com', password: 'the-owners-password' };
    expect(
      (
        await call(first.url, 'POST', '/auth/register', {
          body: owner,
          headers: { 'x-forwarded-for': '198.51.100.1' },
        })
      ).status,
    ).toBe(201);
    // Guesses from many addresses (no client exceeds its budget) on both replicas.
    for (let index = 0; index < 5; index++) {
      const guess = await login(index % 2 ? second : first, `192.0.2.${20 + index}`, owner.email);
      expect(guess.status).toBe(401);
    }
    // The owner still gets in, after at most the longest account delay, from either replica.
    const started = Date.now();
    const ownLogin = await login(second, '198.51.100.1', owner.email, owner.password);
    const waited = Date.now() - started;
    expect(ownLogin.status).toBe(200);
    expect(waited).toBeGreaterThanOrEqual(MAX_ACCOUNT_DELAY_MS - 200);
    // Success clears the account's count: the next login is not held back.
    const again = Date.now();
    expect((await login(first, '198.51.100.1', owner.email, owner.password)).status).toBe(200);
    expect(Date.now() - again).toBeLessThan(MAX_ACCOUNT_DELAY_MS);
  });

  it('shares the registration budget per client across replicas', async () => {
    const client = '203.0.113.50';
    for (let index = 0; index < 3; index++) {
      expect((await register(index % 2 ? second : first, client, `new-${index}@example.com`)).status).toBe(
        201,
      );
    }
    const limited = await register(second, client, 'new-3@example.com');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

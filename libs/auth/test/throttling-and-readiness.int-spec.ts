import { TcpProxy } from '@coursehub/testing';
import { AuthTestApp, call, startAuthTestApp } from './auth-test-app';

async function waitForStatus(url: string, expected: number, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let status = 0;
  while (Date.now() < deadline) {
    status = (await fetch(url)).status;
    if (status === expected) return status;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return status;
}

describe('auth service under abuse and outages', () => {
  let service: AuthTestApp;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const server = new URL(process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
    proxy = await TcpProxy.start(server.hostname, Number(server.port || 5432));
    service = await startAuthTestApp({
      AUTH_THROTTLE_LIMIT: '3',
      AUTH_THROTTLE_WINDOW_MS: '60000',
      DATABASE_TIMEOUT_MS: '1000',
    });
  });
  afterAll(async () => {
    await service.close();
    await proxy.stop();
  });

  it('answers 429 with Retry-After once an e-mail exhausts its login budget', async () => {
    const attempt = () =>
      call(service.url, 'POST', '/auth/login', {
        body: { email: 'victim@example.com', password: 'guessing-password' },
      });
    for (let index = 0; index < 3; index++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
  });

  it('reports not ready (503) while the database is unreachable, and ready again after', async () => {
    const throughProxy = await startAuthTestApp(
      { DATABASE_TIMEOUT_MS: '1000' },
      { databaseProxyPort: proxy.port },
    );
    const ready = `${throughProxy.url}/health/ready`;
    try {
      expect(await waitForStatus(ready, 200)).toBe(200);
      proxy.block();
      expect(await waitForStatus(ready, 503)).toBe(503);
      const body = await (await fetch(ready)).json();
      expect(body).toMatchObject({
        statusCode: 503,
        message: 'Not ready',
        details: { 'auth-database': { status: 'down' } },
      });
      expect((await fetch(`${throughProxy.url}/health/live`)).status).toBe(200);
      proxy.unblock();
      expect(await waitForStatus(ready, 200)).toBe(200);
    } finally {
      await throughProxy.close();
    }
  });
});

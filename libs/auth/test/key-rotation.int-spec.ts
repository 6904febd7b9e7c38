import { Authenticated, AuthenticatedUser, CurrentUser } from '@coursehub/core';
import { createRootModule, startApp } from '@coursehub/messaging';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthTestApp, call, startAuthTestApp } from './auth-test-app';

/** A load balancer in front of the auth replicas: round robin over those in rotation. */
class RoundRobin {
  backends: string[] = [];
  private next = 0;
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const backend = this.backends[this.next++ % this.backends.length];
        const headers = Object.fromEntries(
          Object.entries(request.headers).filter(
            ([name]) => !['host', 'connection', 'content-length'].includes(name),
          ),
        ) as Record<string, string>;
        fetch(backend + request.url, {
          method: request.method,
          headers,
          body: chunks.length ? Buffer.concat(chunks) : undefined,
        }).then(
          async (answer) => {
            response.writeHead(answer.status, {
              'content-type': answer.headers.get('content-type') ?? 'text/plain',
            });
            response.end(Buffer.from(await answer.arrayBuffer()));
          },
          () => response.writeHead(502).end(),
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

@Controller('whoami')
class WhoAmIController {
  @Get()
  @Authenticated()
  whoAmI(@CurrentUser() user: AuthenticatedUser): AuthenticatedUser {
    return user;
  }
}

@Module({ controllers: [WhoAmIController] })
class WhoAmIModule {}

const pemOf = (key: KeyObject, type: 'pkcs8' | 'spki'): string =>
  type === 'pkcs8'
    ? key.export({ type: 'pkcs8', format: 'pem' }).toString()
    : key.export({ type: 'spki', format: 'pem' }).toString();
const kidOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid as string;

// Several auth replicas start and stop in this file; on a loaded 2-core machine that takes a while.
jest.setTimeout(120_000);

describe('signing key rotation with no failed request', () => {
  const COOLDOWN_MS = 200;
  const MAX_AGE_MS = 600;
  const oldKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const newKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const balancer = new RoundRobin();
  const replicas: AuthTestApp[] = [];
  let verifier: NestFastifyApplication;
  let verifierUrl: string;
  const user = { email: 'rotating@example.com', password: 'long-enough-password' };

  const startReplica = async (signWith: KeyObject, alsoPublish?: KeyObject) => {
    const replica = await startAuthTestApp(
      {
        JWT_PRIVATE_KEY: pemOf(signWith, 'pkcs8'),
        ...(alsoPublish ? { JWT_PREVIOUS_PUBLIC_KEYS: pemOf(alsoPublish, 'spki') } : {}),
        AUTH_THROTTLE_LIMIT: '1000',
      },
      replicas[0] ? { sharedDatabase: replicas[0].database } : {},
    );
    replicas.push(replica);
    balancer.backends = [...balancer.backends, replica.url];
    return replica;
  };
  /** Out of the balancer first, then closed: a rolling update. */
  const retire = async (replica: AuthTestApp) => {
    balancer.backends = balancer.backends.filter((url) => url !== replica.url);
    await sleep(100); // requests it is still answering
    if (replica !== replicas[0]) await replica.close();
  };

  beforeAll(async () => {
    await balancer.start();
    await startReplica(oldKey.privateKey);
    const { app, url } = await startApp(
      createRootModule({
        service: 'verifier',
        transport: 'in-process',
        features: [],
        imports: [WhoAmIModule],
        env: {
          ...process.env,
          LOG_LEVEL: 'silent',
          JWT_JWKS_URL: `${balancer.url}/auth/.well-known/jwks.json`,
          JWT_JWKS_COOLDOWN_MS: String(COOLDOWN_MS),
          JWT_JWKS_MAX_AGE_MS: String(MAX_AGE_MS),
        },
      }),
      { title: 'verifier', listenOn: { port: 0, host: '127.0.0.1' } },
    );
    verifier = app;
    verifierUrl = url;
    expect((await call(balancer.url, 'POST', '/auth/register', { body: user })).status).toBe(201);
  });
  afterAll(async () => {
    await verifier?.close();
    for (const replica of replicas.slice(1).reverse()) await replica.close().catch(() => undefined);
    await replicas[0]?.close();
    await balancer.stop();
  });

  it('publish the next key, switch to it, keep the previous one: every request succeeds', async () => {
    const failures: string[] = [];
    const kidsSeen = new Set<string>();
    let requests = 0;
    let running = true;
    const firstToken = (await call(balancer.url, 'POST', '/auth/login', { body: user })).body
      .accessToken as string;

    // Users keep logging in and using their tokens (new ones and one from before the rotation).
    const traffic = (async () => {
      while (running) {
        const login = await call(balancer.url, 'POST', '/auth/login', { body: user });
        requests++;
        if (login.status !== 200) {
          failures.push(`login ${login.status}`);
          continue;
        }
        kidsSeen.add(kidOf(login.body.accessToken));
        for (const token of [login.body.accessToken as string, firstToken]) {
          const checks = [
            await call(verifierUrl, 'GET', '/whoami', { token }),
            await call(balancer.url, 'GET', '/auth/me', { token }),
          ];
          requests += checks.length;
          for (const check of checks)
            if (check.status !== 200) failures.push(`${check.status} for kid ${kidOf(token)}`);
        }
      }
    })();

    await sleep(300);
    // 1. Publish the next key beside the current one (still signing with the old key)...
    const publishing = await startReplica(oldKey.privateKey, newKey.publicKey);
    await retire(replicas[0]);
    // ...and wait until every verifier has refreshed its cached key set (JWT_JWKS_MAX_AGE_MS).
    await sleep(MAX_AGE_MS + COOLDOWN_MS + 200);
    // 2. Sign with the new key, keeping the old one published for the tokens still out there.
    await startReplica(newKey.privateKey, oldKey.publicKey);
    await retire(publishing);
    await sleep(600);
    running = false;
    await traffic;

    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(20);
    expect(kidsSeen.size).toBe(2); // tokens signed with both keys were issued and used
    const jwks = (await call(balancer.url, 'GET', '/auth/.well-known/jwks.json')).body as {
      keys: { kid: string }[];
    };
    expect(jwks.keys.map((key) => key.kid)).toEqual([
      kidOf((await call(balancer.url, 'POST', '/auth/login', { body: user })).body.accessToken),
      kidOf(firstToken),
    ]);
    // The verifier reports its JWKS as a dependency, never in readiness.
    const dependencies = await call(verifierUrl, 'GET', '/health/dependencies');
    expect(dependencies.body).toMatchObject({ details: { jwks: { status: 'up' } } });
    const readiness = await call(verifierUrl, 'GET', '/health/ready');
    expect(JSON.stringify(readiness.body)).not.toContain('jwks');
  });

  it('3. once the previous key is dropped, its tokens are refused everywhere', async () => {
    const oldToken = (await call(replicas[0].url, 'POST', '/auth/login', { body: user })).body
      .accessToken as string;
    expect(kidOf(oldToken)).not.toBe(
      kidOf((await call(balancer.url, 'POST', '/auth/login', { body: user })).body.accessToken),
    );
    const current = replicas[replicas.length - 1];
    await startReplica(newKey.privateKey);
    await retire(current);
    expect((await call(balancer.url, 'GET', '/auth/me', { token: oldToken })).status).toBe(401);
    await sleep(MAX_AGE_MS + COOLDOWN_MS + 100);
    await call(verifierUrl, 'GET', '/whoami', { token: oldToken }); // a stale set refreshes in the background
    await sleep(200);
    expect((await call(verifierUrl, 'GET', '/whoami', { token: oldToken })).status).toBe(401);
  });
});

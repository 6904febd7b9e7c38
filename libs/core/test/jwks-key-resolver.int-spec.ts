import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { JwksKeyResolver, keyIdOf } from '../src/auth';

/** A real JWKS endpoint over HTTP whose keys and health the test changes, counting requests. */
class JwksEndpoint {
  requests = 0;
  down = false;
  keys: KeyObject[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.requests++;
      if (this.down) {
        response.writeHead(503).end('down');
        return;
      }
      const keys = this.keys.map((key) => ({
        ...key.export({ format: 'jwk' }),
        kid: keyIdOf(key),
        use: 'sig',
        alg: 'RS256',
      }));
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks.json`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

const newPublicKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
const randomKid = () => Math.random().toString(36).slice(2);

describe('JwksKeyResolver (real HTTP endpoint)', () => {
  const endpoint = new JwksEndpoint();
  const current = newPublicKey();
  const next = newPublicKey();
  const COOLDOWN_MS = 300;
  const MAX_AGE_MS = 600;

  beforeAll(() => endpoint.start());
  afterAll(() => endpoint.stop());
  beforeEach(() => {
    endpoint.requests = 0;
    endpoint.down = false;
    endpoint.keys = [current];
  });

  const resolver = () =>
    new JwksKeyResolver({ jwksUri: endpoint.url, cooldownMs: COOLDOWN_MS, maxAgeMs: MAX_AGE_MS });

  it('answers 500 tokens with random kids and the real one with one fetch of the set', async () => {
    const keys = resolver();
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 500 }, () => keys.publicKeyFor(randomKid())));
    expect(answers.every((answer) => answer === undefined)).toBe(true);
    expect(endpoint.requests).toBe(1); // concurrent lookups share the one fetch
    expect((await keys.publicKeyFor(keyIdOf(current)))?.equals(current)).toBe(true);
    // Random kids keep coming: never more than one fetch per cooldown, however many kids.
    for (let round = 0; round < 3; round++) {
      for (let index = 0; index < 100; index++) await keys.publicKeyFor(randomKid());
      await sleep(COOLDOWN_MS / 2);
    }
    await Promise.all(Array.from({ length: 100 }, () => keys.publicKeyFor(randomKid())));
    const cooldownsElapsed = Math.floor((Date.now() - started) / COOLDOWN_MS);
    expect(endpoint.requests).toBeGreaterThanOrEqual(2); // it does look again once a cooldown is over
    expect(endpoint.requests).toBeLessThanOrEqual(1 + cooldownsElapsed);
    expect((await keys.publicKeyFor(keyIdOf(current)))?.equals(current)).toBe(true);
  });

  it('finds a newly published key (rotation) at the next fetch the cooldown allows', async () => {
    const keys = new JwksKeyResolver({ jwksUri: endpoint.url, cooldownMs: COOLDOWN_MS, maxAgeMs: 60_000 });
    await keys.publicKeyFor(keyIdOf(current));
    endpoint.keys = [next, current];
    await sleep(COOLDOWN_MS + 50);
    expect((await keys.publicKeyFor(keyIdOf(next)))?.equals(next)).toBe(true);
    expect((await keys.publicKeyFor(keyIdOf(current)))?.equals(current)).toBe(true);
    expect(endpoint.requests).toBe(2);
  });

  it('keeps serving the last good keys while the endpoint is down, and reports it as a dependency', async () => {
    const keys = resolver();
    await expect(keys.probe()).resolves.toMatchObject({ keys: 1 });
    endpoint.down = true;
    await sleep(MAX_AGE_MS + 50); // stale: the next use refreshes in the background, and fails
    for (let index = 0; index < 3; index++) {
      expect((await keys.publicKeyFor(keyIdOf(current)))?.equals(current)).toBe(true);
      await keys.publicKeyFor(randomKid());
      await sleep(COOLDOWN_MS + 20);
    }
    await expect(keys.probe()).rejects.toThrow(/serving 1 cached keys/);
    expect(endpoint.requests).toBeGreaterThanOrEqual(2);
    expect(endpoint.requests).toBeLessThanOrEqual(6); // one attempt per cooldown, not one per kid
    endpoint.down = false;
    await sleep(COOLDOWN_MS + 20);
    await expect(keys.probe()).resolves.toMatchObject({ keys: 1, ageSeconds: 0 });
  });

  it('knows no key until a first fetch succeeds, and retries a failed fetch every second meanwhile, not once a cooldown', async () => {
    // A verifier that starts before auth must accept tokens soon after auth is up.
    endpoint.down = true;
    const keys = new JwksKeyResolver({ jwksUri: endpoint.url, cooldownMs: 30_000, maxAgeMs: MAX_AGE_MS });
    expect(await keys.publicKeyFor(keyIdOf(current))).toBeUndefined();
    expect(await keys.publicKeyFor(keyIdOf(current))).toBeUndefined(); // within 1 s: no second fetch
    expect(endpoint.requests).toBe(1);
    await sleep(1_200);
    expect(await keys.publicKeyFor(keyIdOf(current))).toBeUndefined(); // still down
    expect(endpoint.requests).toBe(2);
    endpoint.down = false;
    await sleep(1_200);
    expect((await keys.publicKeyFor(keyIdOf(current)))?.equals(current)).toBe(true);
    expect(endpoint.requests).toBe(3);
    // Up again: back to one fetch per cooldown for unknown kids.
    await keys.publicKeyFor(randomKid());
    expect(endpoint.requests).toBe(3);
  });
});

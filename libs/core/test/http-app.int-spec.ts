import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { generateKeyPairSync } from 'node:crypto';
import {
  createHttpApp,
  InvalidEnvironmentError,
  parseEnv,
  coreEnvSchema,
  databaseEnvSchema,
} from '@coursehub/core';
import { smokeModule } from './smoke-app';

describe('the HTTP app every service is built on', () => {
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const env = {
      LOG_LEVEL: 'silent',
      JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
    app = await createHttpApp(smokeModule(env), { title: 'core test app' });
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(() => app.close());

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(baseUrl + path, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('answers validation failures with a 400 naming every field, in the one error shape', async () => {
    const response = await post('/things', JSON.stringify({ email: 'nope', count: 0, extra: true }), {
      'x-request-id': 'req-42',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-request-id')).toBe('req-42');
    const body: any = await response.json();
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', requestId: 'req-42' });
    expect(body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'count',
      'email',
      'extra',
    ]);
  });

  it('answers malformed JSON with a 400, not a 500', async () => {
    const response = await post('/things', '{not json');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('hides unexpected errors behind a generic 500 with the request id', async () => {
    const response = await fetch(`${baseUrl}/things/boom`);
    const body: any = await response.json();
    expect(response.status).toBe(500);
    expect(body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
      requestId: response.headers.get('x-request-id'),
    });
    expect(JSON.stringify(body)).not.toContain('secret SQL');
  });

  it('maps domain errors to their status in the one error shape, with Retry-After when they carry it', async () => {
    const conflict = await fetch(`${baseUrl}/things/taken`, { headers: { 'x-request-id': 'req-7' } });
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('retry-after')).toBeNull();
    expect(await conflict.json()).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'That name is taken',
      requestId: 'req-7',
    });

    const unavailable = await fetch(`${baseUrl}/things/away`);
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('7');
    expect(await unavailable.json()).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'The catalogue is not available; please retry later',
    });
  });

  it('generates a request id when the caller sends none or an unsafe one', async () => {
    const response = await fetch(`${baseUrl}/nowhere`, { headers: { 'x-request-id': 'bad id; drop "x"' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await response.json()) as any).requestId).toBe(response.headers.get('x-request-id'));
  });

  it('rejects protected routes without a token with 401', async () => {
    const response = await fetch(`${baseUrl}/things/mine`);
    expect(response.status).toBe(401);
  });

  it('serves liveness, readiness, metrics with route templates, OpenAPI and security headers', async () => {
    expect((await fetch(`${baseUrl}/health/live`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/health/ready`)).status).toBe(200);
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toContain('process_cpu_seconds_total');
    expect(metrics).toMatch(
      /coursehub_http_request_duration_seconds_count\{method="POST",route="\/things",status_code="400"\} \d+/,
    );
    const docs = await fetch(`${baseUrl}/docs-json`);
    const document: any = await docs.json();
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/things', '/things/mine']));
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${baseUrl}/docs`)).status).toBe(200);
  });
});

describe('configuration from the environment', () => {
  it('names every bad or missing variable and what it expected', () => {
    const schema = coreEnvSchema.extend(databaseEnvSchema.shape);
    let error: unknown;
    try {
      parseEnv(schema, { PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT: .*number.*"eighty"/);
    expect(message).toMatch(/DATABASE_URL: expected a postgres/);
    expect(message).toMatch(/LOG_LEVEL: .*"loud"/);
  });

  it('applies defaults and coerces types', () => {
    const env = parseEnv(coreEnvSchema, {
      PORT: '8080',
      CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(env.PORT).toBe(8080);
    expect(env.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
    expect(env.LOG_LEVEL).toBe('info');
  });
});

import { Logger } from 'nestjs-pino';
import { accessLogLine, AppLogger, INTERNAL_REQUEST_HEADER, internalRequestHeaders } from './app-logger';

describe('accessLogLine', () => {
  const reply = (statusCode: number) => ({ statusCode, elapsedTime: 12.345 });
  const request = (method: string, url: string, headers: Record<string, string> = {}) => ({
    method,
    url,
    id: 'req-1',
    headers,
  });

  it('is one compact info line with method, path, status, duration and request id', () => {
    expect(accessLogLine(request('POST', '/orders'), reply(201))).toEqual({
      level: 'info',
      fields: {
        context: 'HTTP',
        method: 'POST',
        path: '/orders',
        statusCode: 201,
        durationMs: 12.3,
        requestId: 'req-1',
      },
      message: 'POST /orders 201 12.3 ms',
    });
  });

  it('leaves the query string out (tokens travel in links)', () => {
    const line = accessLogLine(request('GET', '/auth/verify?token=secret'), reply(200));
    expect(line.message).toBe('GET /auth/verify 200 12.3 ms');
    expect(JSON.stringify(line)).not.toContain('secret');
  });

  it('logs probes and scrapes at debug and server errors at error', () => {
    expect(accessLogLine(request('GET', '/health/ready'), reply(503)).level).toBe('debug');
    expect(accessLogLine(request('GET', '/metrics'), reply(200)).level).toBe('debug');
    expect(accessLogLine(request('GET', '/courses'), reply(500)).level).toBe('error');
    expect(accessLogLine(request('GET', '/courses/x'), reply(404)).level).toBe('info');
  });

  it("logs the process's own requests (demo seeding) at debug, unless they fail; a guessed header does not count", () => {
    const own = internalRequestHeaders();
    expect(accessLogLine(request('POST', '/orders', own), reply(201)).level).toBe('debug');
    expect(accessLogLine(request('POST', '/orders', own), reply(500)).level).toBe('error');
    const guessed = { [INTERNAL_REQUEST_HEADER]: 'demo' };
    expect(accessLogLine(request('POST', '/orders', guessed), reply(201)).level).toBe('info');
  });
});

describe('AppLogger', () => {
  function recording() {
    const calls: [string, unknown[]][] = [];
    const record =
      (level: string) =>
      (...args: unknown[]) =>
        calls.push([level, args]);
    const pino = {
      log: record('info'),
      debug: record('debug'),
      warn: record('warn'),
      error: record('error'),
    };
    return { calls, logger: new AppLogger(pino as unknown as Logger) };
  }

  it("moves Nest's start-up chatter to debug and keeps everything else", () => {
    const { calls, logger } = recording();
    logger.log('AuthModule dependencies initialized', 'InstanceLoader');
    logger.log('Mapped {/courses, GET} route', 'RouterExplorer');
    logger.log('Nest application successfully started', 'NestApplication');
    logger.log('Seeded the first admin', 'AdminSeeder');
    logger.warn('careful', 'InstanceLoader');
    expect(calls.map(([level]) => level)).toEqual(['debug', 'debug', 'debug', 'info', 'warn']);
  });
});

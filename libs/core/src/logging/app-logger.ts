import { LoggerService } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Logger, PinoLogger } from 'nestjs-pino';
import { randomBytes } from 'node:crypto';

/**
 * Nest's own start-up chatter ("InstanceLoader: XModule dependencies initialized", "RoutesResolver",
 * "RouterExplorer: Mapped {/courses, GET} route", "Nest application successfully started"): useful
 * when debugging wiring, noise at info. These contexts log at debug.
 */
export const FRAMEWORK_LOG_CONTEXTS: ReadonlySet<string> = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
  'NestMicroservice',
]);

function contextOf(optionalParams: unknown[]): string | undefined {
  const last = optionalParams[optionalParams.length - 1];
  return typeof last === 'string' ? last : undefined;
}

/** The app's Nest logger: nestjs-pino's, with the framework's start-up chatter moved to debug. */
export class AppLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    const context = contextOf(optionalParams);
    if (context !== undefined && FRAMEWORK_LOG_CONTEXTS.has(context))
      this.pino.debug(message, ...optionalParams);
    else this.pino.log(message, ...optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.pino.error(message, ...optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.pino.warn(message, ...optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.pino.debug(message, ...optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.pino.verbose(message, ...optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.pino.fatal(message, ...optionalParams);
  }
}

/** Health probes and metric scrapes: every few seconds, all day; their access lines are debug. */
function isProbeOrScrape(path: string): boolean {
  return path === '/metrics' || path === '/health' || path.startsWith('/health/');
}

/**
 * Requests this process makes to itself (the platform's demo seeding: some 2,000 of them) carry
 * this header with a value known only to the process, so their access lines are debug: an outside
 * client cannot hide its own requests from the log by sending the header.
 */
export const INTERNAL_REQUEST_HEADER = 'x-coursehub-internal';
const internalRequestToken = randomBytes(16).toString('hex');

/** Headers that mark a request as this process's own (see INTERNAL_REQUEST_HEADER). */
export function internalRequestHeaders(): Record<string, string> {
  return { [INTERNAL_REQUEST_HEADER]: internalRequestToken };
}

function isInternal(request: Pick<FastifyRequest, 'headers'>): boolean {
  return request.headers[INTERNAL_REQUEST_HEADER] === internalRequestToken;
}

/** The fields and message of one access-log line (exported for tests). */
export function accessLogLine(
  request: Pick<FastifyRequest, 'method' | 'url' | 'id' | 'headers'>,
  reply: Pick<FastifyReply, 'statusCode' | 'elapsedTime'>,
): { level: 'debug' | 'info' | 'warn' | 'error'; fields: Record<string, unknown>; message: string } {
  // The path only: query strings can carry tokens (verification and reset links).
  const path = request.url.split('?', 1)[0];
  const durationMs = Math.round(reply.elapsedTime * 10) / 10;
  const status = reply.statusCode;
  // Probes stay quiet even when failing (readiness logs its own warning); an internal 5xx is an error.
  const level = isProbeOrScrape(path)
    ? 'debug'
    : status >= 500
      ? 'error'
      : isInternal(request)
        ? 'debug'
        : 'info';
  return {
    level,
    fields: {
      context: 'HTTP',
      method: request.method,
      path,
      statusCode: status,
      durationMs,
      requestId: request.id,
    },
    message: `${request.method} ${path} ${status} ${durationMs} ms`,
  };
}

const accessLoggers = new WeakMap<PinoLogger['logger'], PinoLogger['logger']>();

/**
 * The root logger nestjs-pino built from LoggingModule's options (level, request id, message
 * redaction), without its redact paths: an access line's fields (method, the path without its
 * query, status, duration, ids) hold nothing they could match, and pino applies the wildcard paths
 * (`*.password`...) to every field of every line — a tenth of the CPU of a cached read at info.
 */
function accessLogger(): PinoLogger['logger'] | undefined {
  const root = PinoLogger.root as PinoLogger['logger'] | undefined;
  if (!root) return undefined;
  let logger = accessLoggers.get(root);
  if (!logger) {
    logger = root.child({}, { redact: [] });
    accessLoggers.set(root, logger);
  }
  return logger;
}

/**
 * One compact line per answered request (`GET /courses 200 3.1 ms`, with method, path, status,
 * duration and request id as fields): info, error for 5xx, debug for probes and scrapes.
 */
export function installAccessLog(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const { level, fields, message } = accessLogLine(request, reply);
    accessLogger()?.[level](fields, message);
    done();
  });
}

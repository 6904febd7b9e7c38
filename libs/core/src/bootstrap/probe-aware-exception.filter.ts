import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpStatus,
  Logger,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody, HttpExceptionFilter } from '../errors';

/** Names of the checks a Terminus 503 reports as not up (`details: { database: { status: 'down' } }`). */
function failingChecks(exception: ServiceUnavailableException): string[] {
  const details =
    (exception.getResponse() as { details?: Record<string, { status?: string }> }).details ?? {};
  return Object.entries(details)
    .filter(([, check]) => check?.status !== 'up')
    .map(([name]) => name);
}

/**
 * The one error filter of every app: HttpExceptionFilter, except for a health probe's 503. A
 * readiness check that fails while the app starts (or while its database is away) is expected,
 * answered in the one error shape and logged once as a warning naming what is down — not as an
 * error with a stack trace on every probe. The next probe that passes arms the warning again.
 */
@Catch()
export class ProbeAwareExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Health');
  private readonly errors = new HttpExceptionFilter();
  private readonly warned = new Set<string>();

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() === 'http' && exception instanceof ServiceUnavailableException) {
      const request = host.switchToHttp().getRequest<FastifyRequest>();
      const path = request.url.split('?', 1)[0];
      if (path.startsWith('/health/')) {
        const down = failingChecks(exception);
        if (!this.warned.has(path)) {
          this.warned.add(path);
          this.logger.warn(
            `${path} answers 503 until ${down.length > 0 ? down.join(', ') : 'its checks'} answer(s); logged once until it passes`,
          );
        }
        const status = HttpStatus.SERVICE_UNAVAILABLE;
        const details = (exception.getResponse() as { details?: unknown }).details;
        void host
          .switchToHttp()
          .getResponse<FastifyReply>()
          .status(status)
          .send({ ...errorBody(status, 'Not ready', String(request.id)), ...(details ? { details } : {}) });
        return;
      }
    }
    this.errors.catch(exception, host);
  }

  /** A probe at `path` passed: its next 503 is worth a warning again. */
  passed(path: string): void {
    this.warned.delete(path);
  }
}

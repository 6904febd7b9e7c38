import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DOMAIN_ERROR_STATUS, DomainError } from './domain-errors';
import { errorBody } from './error-body';
import { RequestValidationException } from './validation';

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/**
 * Renders every error as `{ statusCode, error, message, requestId }`: the one place where domain
 * errors become HTTP statuses (and `Retry-After` when the error carries one). Anything that is
 * neither a DomainError nor an HttpException is a bug or an outage: the client gets a generic 500,
 * the log gets the details.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const requestId = String(request.id);

    if (exception instanceof DomainError) {
      const status = DOMAIN_ERROR_STATUS[exception.kind];
      if (exception.retryAfterSeconds !== undefined) {
        void reply.header('retry-after', String(exception.retryAfterSeconds));
      }
      if (status >= 500) this.logger.warn({ err: exception, requestId }, exception.message);
      void reply.status(status).send(errorBody(status, exception.message, requestId));
      return;
    }

    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const fieldErrors = exception instanceof RequestValidationException ? exception.fieldErrors : undefined;
      if (status >= 500) this.logger.error({ err: exception, requestId }, exception.message);
      const body = errorBody(status, messageOf(exception), requestId, fieldErrors);
      // Readiness failures keep the one shape and add which dependency is down (Terminus details).
      const details = (exception.getResponse() as { details?: unknown }).details;
      void reply.status(status).send(details ? { ...body, message: 'Not ready', details } : body);
      return;
    }

    this.logger.error({ err: exception, requestId }, 'Unhandled error');
    const status = HttpStatus.INTERNAL_SERVER_ERROR;
    void reply.status(status).send(errorBody(status, 'Internal server error', requestId));
  }
}

import { applyDecorators, ExecutionContext, HttpException, HttpStatus } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ErrorResponseDto } from '../errors';

/** The `Retry-After` header of a 429 or 503 answer, as the OpenAPI document shows it. */
export const RETRY_AFTER_HEADER = {
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
};

/** The error statuses routes answer with, all in the one error shape. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

const WITH_RETRY_AFTER: ReadonlySet<string> = new Set(['429', '503']);

/**
 * Documents a route's error answers in the one error shape (`ErrorResponseDto`): each status with
 * its description, or `true` when the status says enough. 429 and 503 come with `Retry-After`.
 *
 * @example @ApiErrors({ 400: true, 409: 'The e-mail is taken.' })
 */
export function ApiErrors(errors: Partial<Record<ErrorStatus, string | true>>) {
  return applyDecorators(
    ...Object.entries(errors).map(([status, description]) =>
      ApiResponse({
        status: Number(status),
        type: ErrorResponseDto,
        ...(typeof description === 'string' ? { description } : {}),
        ...(WITH_RETRY_AFTER.has(status) ? { headers: RETRY_AFTER_HEADER } : {}),
      }),
    ),
  );
}

/** Refuses the request with 429 in the one error shape, telling the caller when to retry. */
export function refuseTooManyRequests(
  context: ExecutionContext,
  retryAfterSeconds: number,
  message: string,
): never {
  void context.switchToHttp().getResponse<FastifyReply>().header('Retry-After', String(retryAfterSeconds));
  throw new HttpException(message, HttpStatus.TOO_MANY_REQUESTS);
}

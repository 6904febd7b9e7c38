import { applyDecorators, HttpCode, HttpStatus, Type } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

/**
 * The route's success status and the body it documents, declared together so they cannot drift
 * apart: `@Answers(HttpStatus.ACCEPTED, LinkSentDto)` on a POST that answers 202, not 201.
 */
export const Answers = (status: HttpStatus, type?: Type<unknown>, description?: string) =>
  applyDecorators(
    HttpCode(status),
    ApiResponse({ status, ...(type ? { type } : {}), ...(description ? { description } : {}) }),
  );

/** The route answers 204 with no body; `description` says what happened. */
export const NoContent = (description?: string) => Answers(HttpStatus.NO_CONTENT, undefined, description);

import { Authenticated, ErrorResponseDto } from '@coursehub/core';
import { applyDecorators, Header, HttpCode, HttpStatus } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiParam,
} from '@nestjs/swagger';

/*
 * What the course routes have in common, composed once: their path parameters and who may call them
 * (with the 403 and 404 answers that go with it).
 */

const PATH_PARAMS = {
  id: { name: 'id', description: 'Course id (uuid) or slug.' },
  sectionId: { name: 'sectionId', description: 'Section id (uuid).' },
  lessonId: { name: 'lessonId', format: 'uuid', description: 'Lesson id (uuid).' },
};

/** Documents the route's `:id` (a course's id or slug) and the ids nested below it. */
export function ApiCoursePath(...nested: ('sectionId' | 'lessonId')[]) {
  return applyDecorators(ApiParam(PATH_PARAMS.id), ...nested.map((name) => ApiParam(PATH_PARAMS[name])));
}

/** Answers 204 No Content on success; `description` says what happened. */
export function NoContent(description: string) {
  return applyDecorators(HttpCode(HttpStatus.NO_CONTENT), ApiNoContentResponse({ description }));
}

/** A 400 answer: the body or query failed validation (or what `detail` says). */
export function ApiInvalidInput(detail?: string) {
  return ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: detail ?? 'Invalid input: `errors` names the fields at fault.',
  });
}

/** A 403 answer: signed in, but without an active enrolment in the course. */
export function ApiNotEnrolled() {
  return ApiForbiddenResponse({
    type: ErrorResponseDto,
    description: 'Signed in without an active enrolment (no confirmed order, or it was cancelled).',
  });
}

/** A 404 answer: no such course (or one the caller cannot see), or what `detail` says. */
export function ApiCourseNotFound(detail?: string) {
  return ApiNotFoundResponse({ type: ErrorResponseDto, description: detail ?? 'No such course.' });
}

/** Authoring a course: a signed-in caller who is the course's instructor or an admin (else 403). */
export function ManagesCourse(notFound: string) {
  return applyDecorators(
    Authenticated(),
    ApiForbiddenResponse({
      type: ErrorResponseDto,
      description: "The caller is neither the course's instructor nor an admin.",
    }),
    ApiCourseNotFound(notFound),
  );
}

/** The enrolled learner's own data: signed in with an active enrolment (else 403), never cached. */
export function EnrolledLearner(notFound?: string) {
  return applyDecorators(
    Authenticated(),
    Header('Cache-Control', 'no-store'),
    ApiNotEnrolled(),
    ApiCourseNotFound(notFound),
  );
}

import { Answers, ApiErrors, Authenticated, OptionalAuth } from '@coursehub/core';
import { applyDecorators, Header, HttpStatus, Type } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';

/*
 * What the course routes have in common, composed once: their path parameters, who may call them
 * (with the 403 and 404 answers that go with it) and how they answer. Error answers are core's
 * `ApiErrors`, in the one error shape.
 */

const PATH_PARAMS = {
  id: { name: 'id', description: 'Course id (uuid) or slug.' },
  sectionId: { name: 'sectionId', description: 'Section id (uuid).' },
  lessonId: { name: 'lessonId', format: 'uuid', description: 'Lesson id (uuid).' },
};

/** The ids a route's path may nest below the course's `:id`. */
export type NestedId = 'sectionId' | 'lessonId';

/** Documents the route's `:id` (a course's id or slug) and the ids nested below it. */
export function ApiCoursePath(...nested: NestedId[]) {
  return applyDecorators(ApiParam(PATH_PARAMS.id), ...nested.map((name) => ApiParam(PATH_PARAMS[name])));
}

/** Core's `Answers(status, type)`, or 400 when the body or query fails validation. */
export function AcceptsInput(status: HttpStatus, type: Type<unknown>) {
  return applyDecorators(Answers(status, type), ApiInvalidInput());
}

/** A 400 answer: the body or query failed validation (or what `detail` says). */
export function ApiInvalidInput(detail = 'Invalid input: `errors` names the fields at fault.') {
  return ApiErrors({ 400: detail });
}

const NOT_ENROLLED = 'Signed in without an active enrolment (no confirmed order, or it was cancelled).';

/** A 403 answer: signed in, but without an active enrolment in the course. */
export function ApiNotEnrolled() {
  return ApiErrors({ 403: NOT_ENROLLED });
}

/** A 404 answer: no such course (or one the caller cannot see), or what `detail` says. */
export function ApiCourseNotFound(detail = 'No such course.') {
  return ApiErrors({ 404: detail });
}

/**
 * A route on one course (and the `nested` ids in its path) for anyone who can see the course,
 * anonymous callers included; 404 for the others, or what `notFound` says.
 */
export function ReadsCourse(notFound?: string, ...nested: NestedId[]) {
  return applyDecorators(OptionalAuth(), ApiCoursePath(...nested), ApiCourseNotFound(notFound));
}

/**
 * Authoring a course (at the `nested` ids in its path): a signed-in caller who is the course's
 * instructor or an admin (else 403); 404 as `notFound` says.
 */
export function ManagesCourse(notFound: string, ...nested: NestedId[]) {
  return applyDecorators(
    Authenticated(),
    ApiErrors({ 403: "The caller is neither the course's instructor nor an admin.", 404: notFound }),
    ApiCoursePath(...nested),
  );
}

/**
 * The enrolled learner's own data: signed in with an active enrolment (else 403), never cached. The
 * route documents its path itself (`ApiCoursePath`).
 */
export function EnrolledLearner(notFound?: string) {
  return applyDecorators(
    Authenticated(),
    Header('Cache-Control', 'no-store'),
    ApiNotEnrolled(),
    ApiCourseNotFound(notFound),
  );
}

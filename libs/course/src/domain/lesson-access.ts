import type { AuthenticatedUser } from '@coursehub/core';
import type { CourseEntity } from '../data/course.entity';
import type { LessonEntity } from '../data/lesson.entity';
import { canManage } from './course-access';

/** The 403 message of a signed-in caller without an active enrolment. */
export const ENROL_TO_OPEN_LESSON = 'Enrol in this course to open this lesson';

/**
 * Who may open a lesson of a course the caller can see (course-access `canView`; others get 404
 * before this is asked):
 * - `open`: the course's instructor, an admin, or anyone for a preview lesson of a published course;
 * - `sign-in`: an anonymous caller otherwise (401);
 * - `enrolment`: a signed-in caller otherwise, who may open it only with an active enrolment
 *   (the caller then looks it up: 403 without one).
 */
export type LessonAccess = 'open' | 'sign-in' | 'enrolment';

export function lessonAccess(
  course: CourseEntity,
  lesson: Pick<LessonEntity, 'preview'>,
  caller: AuthenticatedUser | undefined,
): LessonAccess {
  if (canManage(course, caller)) return 'open';
  if (lesson.preview && course.status === 'published') return 'open';
  return caller ? 'enrolment' : 'sign-in';
}

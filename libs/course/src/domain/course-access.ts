import type { AuthenticatedUser } from '@coursehub/core';
import type { CourseEntity } from '../data/course.entity';

/*
 * Who may see and change a course. The catalogue search applies the same visibility rule in SQL
 * (CoursesRepository).
 */

/** The course's instructor or an admin may change it and see it in any status. */
export function canManage(course: CourseEntity, caller: AuthenticatedUser | undefined): boolean {
  return caller !== undefined && (caller.roles.includes('admin') || caller.id === course.instructorId);
}

/** Published courses are public; drafts and archived courses only for those who manage them. */
export function canView(course: CourseEntity, caller: AuthenticatedUser | undefined): boolean {
  return course.status === 'published' || canManage(course, caller);
}

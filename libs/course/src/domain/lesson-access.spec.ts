import type { AuthenticatedUser } from '@coursehub/core';
import type { CourseEntity } from '../data/course.entity';
import { lessonAccess } from './lesson-access';

describe('lessonAccess', () => {
  const instructor: AuthenticatedUser = {
    id: 'instructor-1',
    email: 'instructor-1@example.com',
    roles: ['instructor'],
  };
  const admin: AuthenticatedUser = { id: 'admin-1', email: 'admin-1@example.com', roles: ['admin'] };
  const student: AuthenticatedUser = { id: 'student-1', email: 'student-1@example.com', roles: ['student'] };
  const otherInstructor: AuthenticatedUser = {
    id: 'instructor-2',
    email: 'instructor-2@example.com',
    roles: ['instructor'],
  };
  const course = (status: CourseEntity['status']) =>
    ({ instructorId: instructor.id, status }) as CourseEntity;

  it('opens everything to the course instructor and admins, whatever the status', () => {
    for (const status of ['draft', 'published', 'archived'] as const) {
      for (const preview of [true, false]) {
        expect(lessonAccess(course(status), { preview }, instructor)).toBe('open');
        expect(lessonAccess(course(status), { preview }, admin)).toBe('open');
      }
    }
  });

  it('opens previews of published courses to everyone', () => {
    for (const caller of [undefined, student, otherInstructor]) {
      expect(lessonAccess(course('published'), { preview: true }, caller)).toBe('open');
    }
  });

  it('asks anonymous callers to sign in and signed-in callers for an enrolment otherwise', () => {
    expect(lessonAccess(course('published'), { preview: false }, undefined)).toBe('sign-in');
    expect(lessonAccess(course('published'), { preview: false }, student)).toBe('enrolment');
    expect(lessonAccess(course('published'), { preview: false }, otherInstructor)).toBe('enrolment');
    // A preview is not public while the course is not published.
    expect(lessonAccess(course('archived'), { preview: true }, student)).toBe('enrolment');
  });
});

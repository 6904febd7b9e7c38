import { type AuthenticatedUser, ForbiddenError, NotFoundError, UnauthenticatedError } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import type { CourseEntity } from '../data/course.entity';
import { CoursesRepository } from '../data/courses.repository';
import { EnrolmentsRepository } from '../data/enrolments.repository';
import type { LessonEntity } from '../data/lesson.entity';
import { type LessonOutline, LessonsRepository } from '../data/lessons.repository';
import type { SectionEntity } from '../data/section.entity';
import { SectionsRepository } from '../data/sections.repository';
import { canView } from './course-access';
import { ENROL_TO_OPEN_LESSON, lessonAccess } from './lesson-access';

export interface CurriculumSection extends SectionEntity {
  lessons: LessonOutline[];
}

/** A course's curriculum: no lesson bodies, anyone who can see the course may read it. */
export interface Curriculum {
  sections: CurriculumSection[];
  lessonCount: number;
  totalDurationSeconds: number;
}

/** A lesson as opened, with its neighbours in reading order (null at either end). */
export interface OpenedLesson extends LessonEntity {
  previousLessonId: string | null;
  nextLessonId: string | null;
}

/**
 * A course's curriculum as it is read: the outline of sections and lessons for anyone who can
 * read the course, and lessons opened by those with access (lesson-access.ts). Instructors and
 * admins write it through CurriculumAuthoringService.
 */
@Injectable()
export class CurriculumService {
  constructor(
    private readonly courses: CoursesRepository,
    private readonly sections: SectionsRepository,
    private readonly lessons: LessonsRepository,
    private readonly enrolments: EnrolmentsRepository,
  ) {}

  async curriculum(idOrSlug: string, caller: AuthenticatedUser | undefined): Promise<Curriculum> {
    const { course } = await this.readableCourse(idOrSlug, caller);
    const [sections, lessons] = await Promise.all([
      this.sections.listForCourse(course.id),
      this.lessons.listForCourse(course.id),
    ]);
    const bySection = new Map<string, LessonOutline[]>(sections.map((section) => [section.id, []]));
    for (const lesson of lessons) bySection.get(lesson.sectionId)?.push(lesson);
    return {
      sections: sections.map((section) => ({ ...section, lessons: bySection.get(section.id) ?? [] })),
      lessonCount: lessons.length,
      totalDurationSeconds: lessons.reduce((sum, lesson) => sum + lesson.durationSeconds, 0),
    };
  }

  /**
   * A lesson with its body for those who may open it: the course's instructor, an admin, a learner
   * with an active enrolment (of an archived course too), or anyone for a preview lesson of a
   * published course. A course the caller cannot read is a 404; an anonymous caller otherwise a
   * 401, a signed-in one a 403.
   */
  async openLesson(
    idOrSlug: string,
    lessonId: string,
    caller: AuthenticatedUser | undefined,
  ): Promise<OpenedLesson> {
    const { course, enrolled } = await this.readableCourse(idOrSlug, caller);
    const lesson = await this.lessons.findInCourse(course.id, lessonId);
    if (!lesson) throw new NotFoundError('Lesson not found');
    const access = lessonAccess(course, lesson, caller);
    if (access === 'sign-in') throw new UnauthenticatedError('Sign in to open this lesson');
    if (
      access === 'enrolment' &&
      !(enrolled ?? (caller !== undefined && (await this.enrolments.isEnrolled(caller.id, course.id))))
    ) {
      throw new ForbiddenError(ENROL_TO_OPEN_LESSON);
    }
    const order = (await this.lessons.listForCourse(course.id)).map((other) => other.id);
    const index = order.indexOf(lesson.id);
    return {
      ...lesson,
      previousLessonId: index > 0 ? order[index - 1] : null,
      nextLessonId: index >= 0 && index < order.length - 1 ? order[index + 1] : null,
    };
  }

  /**
   * A course whose curriculum the caller may read: one they can see (course-access `canView`), or
   * an archived one they hold an active enrolment of (archiving takes a course out of the
   * catalogue, not out of its learners' hands). Anything else is a 404. `enrolled` is true when
   * that enrolment was looked up (and so need not be again).
   */
  private async readableCourse(
    idOrSlug: string,
    caller: AuthenticatedUser | undefined,
  ): Promise<{ course: CourseEntity; enrolled?: true }> {
    const course = await this.courses.findByIdOrSlug(idOrSlug);
    if (course && canView(course, caller)) return { course };
    if (course?.status === 'archived' && caller && (await this.enrolments.isEnrolled(caller.id, course.id))) {
      return { course, enrolled: true };
    }
    throw new NotFoundError('Course not found');
  }
}

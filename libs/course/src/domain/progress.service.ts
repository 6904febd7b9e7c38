import { courseCompleted } from '@coursehub/contracts';
import {
  type AuthenticatedUser,
  decodeCursor,
  FeatureTransactions,
  ForbiddenError,
  InjectFeatureTransactions,
  NotFoundError,
  type Page,
  pageOf,
  UnauthenticatedError,
} from '@coursehub/core';
import { Outbox } from '@coursehub/messaging';
import { Injectable, Logger } from '@nestjs/common';
import { COURSE_FEATURE } from '../course.constants';
import type { CertificateEntity } from '../data/certificate.entity';
import { CertificatesRepository } from '../data/certificates.repository';
import type { CourseEntity } from '../data/course.entity';
import { CoursesRepository } from '../data/courses.repository';
import { EnrolmentsRepository } from '../data/enrolments.repository';
import { LessonsRepository } from '../data/lessons.repository';
import { type EnrolledCourseRow, ProgressRepository } from '../data/progress.repository';
import { UserProfilesRepository } from '../data/user-profiles.repository';
import { canView } from './course-access';
import { type CourseProgress, isComplete, summariseProgress } from './course-progress';
import { RecommendationsService } from './recommendations.service';

/** The keyset order of `GET /me/courses`: most recent activity first. */
export const MY_COURSES_SORT = 'activity';

/** One of the learner's courses with their progress in it. */
export interface EnrolledCourse {
  courseId: string;
  slug: string;
  title: string;
  enrolledAt: Date;
  progress: CourseProgress;
}

/**
 * A learner's progress: completing and undoing lessons, and completion. The learner must hold an
 * active enrolment (a confirmed, not cancelled, order of the course), the same rule as opening a
 * lesson. Completing the last lesson issues the certificate and writes `course.completed` to the
 * outbox in the same transaction; an undo never revokes a certificate.
 */
@Injectable()
export class ProgressService {
  private readonly logger = new Logger(ProgressService.name);

  constructor(
    private readonly courses: CoursesRepository,
    private readonly enrolments: EnrolmentsRepository,
    private readonly lessons: LessonsRepository,
    private readonly progress: ProgressRepository,
    private readonly certificates: CertificatesRepository,
    private readonly profiles: UserProfilesRepository,
    @InjectFeatureTransactions(COURSE_FEATURE) private readonly transactions: FeatureTransactions,
    private readonly outbox: Outbox,
    private readonly recommendations: RecommendationsService,
  ) {}

  /** Marks the lesson completed (again: no change) and, when it was the last one, completes the course. */
  async complete(idOrSlug: string, lessonId: string, caller: AuthenticatedUser): Promise<CourseProgress> {
    const course = await this.enrolledCourse(
      idOrSlug,
      caller,
      'Enrol in this course to complete its lessons',
    );
    const { progress, issued } = await this.transactions.withTransaction(async () => {
      let issued: CertificateEntity | null = null;
      const lesson = await this.lessons.findInCourse(course.id, lessonId);
      if (!lesson) throw new NotFoundError('Lesson not found');
      // First: serialises this learner's changes to this course (see ProgressRepository.touch).
      await this.progress.touch(caller.id, course.id);
      await this.progress.addCompletion(caller.id, course.id, lesson.id);
      const lessonIds = (await this.lessons.listForCourse(course.id)).map((outline) => outline.id);
      const completed = await this.progress.completedLessonIds(caller.id, course.id);
      let certificate = await this.certificates.findForLearner(caller.id, course.id);
      if (!certificate && isComplete(lessonIds, completed)) {
        certificate = await this.certificates.issue({
          courseId: course.id,
          userId: caller.id,
          courseTitle: course.title,
          learnerName: await this.profiles.displayNameOf(caller.id),
        });
        if (certificate) {
          issued = certificate;
          await this.outbox.add(
            courseCompleted,
            {
              userId: caller.id,
              courseId: course.id,
              courseTitle: course.title,
              certificateId: certificate.id,
              completedAt: certificate.completedAt.toISOString(),
            },
            { key: caller.id },
          );
        }
      }
      const lastActivityAt = await this.progress.lastActivityAt(caller.id, course.id);
      return {
        progress: summariseProgress(course.id, lessonIds, completed, lastActivityAt, certificate),
        issued,
      };
    });
    if (issued) {
      this.logger.log(
        { courseId: course.id, certificateId: issued.id },
        'course completed, certificate issued',
      );
      // A completion strengthens the learner's taste profile at once, not at the next rebuild.
      this.recommendations.completed(caller.id, course.id);
    }
    return progress;
  }

  /** Undoes the lesson's completion (not completed: no change). An issued certificate stays. */
  async undo(idOrSlug: string, lessonId: string, caller: AuthenticatedUser): Promise<CourseProgress> {
    const course = await this.enrolledCourse(
      idOrSlug,
      caller,
      'Enrol in this course to complete its lessons',
    );
    return this.transactions.withTransaction(async () => {
      const lesson = await this.lessons.findInCourse(course.id, lessonId);
      if (!lesson) throw new NotFoundError('Lesson not found');
      await this.progress.touch(caller.id, course.id);
      await this.progress.removeCompletion(caller.id, lesson.id);
      return this.progressIn(course.id, caller.id);
    });
  }

  async progressOf(idOrSlug: string, caller: AuthenticatedUser): Promise<CourseProgress> {
    const course = await this.enrolledCourse(idOrSlug, caller, 'Enrol in this course to track your progress');
    return this.progressIn(course.id, caller.id);
  }

  /** The caller's active enrolments with their progress, most recent activity first. */
  async myCourses(
    request: { cursor?: string; limit: number },
    caller: AuthenticatedUser,
  ): Promise<Page<EnrolledCourse>> {
    const after = request.cursor ? decodeCursor(request.cursor, MY_COURSES_SORT, 'timestamp') : undefined;
    const rows = await this.progress.listEnrolledCourses(
      caller.id,
      after && { activity: after.key, courseId: after.id },
      request.limit + 1,
    );
    const page = pageOf(
      rows,
      request.limit,
      (last) => ({ sort: MY_COURSES_SORT, key: last.activityKey, id: last.courseId }),
      (row): EnrolledCourseRow => row,
    );
    const items = await Promise.all(
      page.items.map(async (row) => ({
        courseId: row.courseId,
        slug: row.slug,
        title: row.title,
        enrolledAt: row.enrolledAt,
        progress: await this.progressIn(row.courseId, caller.id),
      })),
    );
    return { items, nextCursor: page.nextCursor };
  }

  private async progressIn(courseId: string, userId: string): Promise<CourseProgress> {
    // One after the other: inside a transaction they share one connection.
    const lessons = await this.lessons.listForCourse(courseId);
    const completed = await this.progress.completedLessonIds(userId, courseId);
    const lastActivityAt = await this.progress.lastActivityAt(userId, courseId);
    const certificate = await this.certificates.findForLearner(userId, courseId);
    return summariseProgress(
      courseId,
      lessons.map((lesson) => lesson.id),
      completed,
      lastActivityAt,
      certificate,
    );
  }

  /**
   * The course, when the caller holds an active enrolment of it. Otherwise a course they cannot
   * see is a 404 and one they can see a 403 with `forbidden` as the message; an erased account 401.
   */
  private async enrolledCourse(
    idOrSlug: string,
    caller: AuthenticatedUser,
    forbidden: string,
  ): Promise<CourseEntity> {
    // An access token outlives its account by up to its lifetime: an erased learner records nothing.
    if (await this.profiles.isErased(caller.id)) throw new UnauthenticatedError('This account was deleted');
    const course = await this.courses.findByIdOrSlug(idOrSlug);
    if (!course) throw new NotFoundError('Course not found');
    if (await this.enrolments.isEnrolled(caller.id, course.id)) return course;
    if (!canView(course, caller)) throw new NotFoundError('Course not found');
    throw new ForbiddenError(forbidden);
  }
}

import { Injectable } from '@nestjs/common';
import type { CourseEntity } from '../data/course.entity';
import { CoursesRepository } from '../data/courses.repository';
import { EnrolmentsRepository } from '../data/enrolments.repository';
import type { Recommendation } from '../recommendations';
import { RecommendationModelService, toCourseFeatures } from './recommendation-model.service';

export interface CourseRecommendation extends Recommendation {
  course: CourseEntity;
}

/** Ratings from fewer learners than this are not quoted in a reason. */
export const MIN_RATINGS_QUOTED = 3;

/** "rated 4.6 by 120 learners", for a course rated by enough learners; undefined otherwise. */
export function ratingNote(course: Pick<CourseEntity, 'ratingSum' | 'ratingCount'>): string | undefined {
  if (!(course.ratingCount >= MIN_RATINGS_QUOTED)) return undefined;
  const average = Math.round((course.ratingSum / course.ratingCount) * 10) / 10;
  return `rated ${average.toFixed(1)} by ${course.ratingCount} learners`;
}

/**
 * Recommendations as the rest of the feature uses them: the signals the course service's changes
 * send to the served model (RecommendationModelService keeps it current across rebuilds), and the
 * queries answered from it, joined with the current course rows.
 */
@Injectable()
export class RecommendationsService {
  constructor(
    private readonly courses: CoursesRepository,
    private readonly enrolments: EnrolmentsRepository,
    private readonly model: RecommendationModelService,
  ) {}

  courseChanged(course: CourseEntity): void {
    const features = toCourseFeatures(course);
    this.model.apply((model) => model.upsertCourse(features));
  }

  enrolled(userId: string, courseId: string): void {
    this.model.apply((model) => model.addEnrolment(userId, courseId));
  }

  /** Call when the user no longer holds any active enrolment of the course. */
  unenrolled(userId: string, courseId: string): void {
    this.model.apply((model) => model.removeEnrolment(userId, courseId));
  }

  /** The user rated the course (1..5): high ratings strengthen their taste for it, low ones weaken it. */
  rated(userId: string, courseId: string, rating: number): void {
    this.model.apply((model) => model.setRating(userId, courseId, rating));
  }

  /** The user completed the course (their certificate was issued): it weighs more in their taste. */
  completed(userId: string, courseId: string): void {
    this.model.apply((model) => model.setCompleted(userId, courseId));
  }

  /** The user withdrew their rating of the course. */
  unrated(userId: string, courseId: string): void {
    this.model.apply((model) => model.removeRating(userId, courseId));
  }

  /** Courses the user owns: the ones they are enrolled in and the ones they teach. */
  async ownedBy(userId: string): Promise<string[]> {
    const [enrolled, taught] = await Promise.all([
      this.enrolments.activeCourseIdsOf(userId),
      this.courses.idsTaughtBy(userId),
    ]);
    return [...new Set([...enrolled, ...taught])];
  }

  async forUser(userId: string, limit: number): Promise<CourseRecommendation[]> {
    const owned = await this.ownedBy(userId);
    return this.withCourses(this.model.current.recommendForUser(userId, owned, limit));
  }

  async similarTo(courseId: string, limit: number, callerId?: string): Promise<CourseRecommendation[]> {
    const exclude = callerId ? await this.ownedBy(callerId) : [];
    return this.withCourses(this.model.current.similarTo(courseId, limit, { exclude }));
  }

  /**
   * Joins the model's items with the current rows; an item whose course is no longer published
   * (changed by another replica since the last rebuild) is dropped rather than served.
   */
  private async withCourses(items: Recommendation[]): Promise<CourseRecommendation[]> {
    if (items.length === 0) return [];
    const courses = await this.courses.findPublishedByIds(items.map((item) => item.courseId));
    const byId = new Map(courses.map((course) => [course.id, course]));
    return items.flatMap((item) => {
      const course = byId.get(item.courseId);
      if (!course) return [];
      const rated = ratingNote(course);
      return [{ ...item, course, reason: rated ? `${item.reason}; ${rated}` : item.reason }];
    });
  }
}

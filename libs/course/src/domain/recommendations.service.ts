import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { CourseEnv } from '../course.env';
import type { CourseEntity } from '../data/course.entity';
import { CoursesRepository } from '../data/courses.repository';
import { EnrolmentsRepository } from '../data/enrolments.repository';
import { type CourseFeatures, type Recommendation, RecommendationModel } from '../recommendations';

export interface CourseRecommendation extends Recommendation {
  course: CourseEntity;
}

type ModelUpdate = (model: RecommendationModel) => void;

/**
 * The course as the recommender sees it. The catalogue's `enrolmentCount` is left out on purpose:
 * the model is built from every active enrolment and told of each change, so it counts them
 * itself, while the counter it was handed would be a snapshot that later refunds cannot lower.
 */
export function toCourseFeatures(course: CourseEntity): CourseFeatures {
  return {
    id: course.id,
    title: course.title,
    summary: course.summary,
    description: course.description,
    tags: course.tags,
    category: course.category,
    status: course.status,
  };
}

/**
 * Holds the in-memory recommendation model of this process: built from the database at start,
 * kept current by the enrolment and course changes this service makes, and rebuilt on a timer
 * (which also refreshes catalogue-wide IDF and catches anything another replica changed).
 */
@Injectable()
export class RecommendationsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RecommendationsService.name);
  private model = RecommendationModel.build({ courses: [], enrolments: [] });
  /** Updates made while a rebuild reads the database, replayed on the new model before the swap. */
  private updatesDuringRebuild: ModelUpdate[] | null = null;
  private rebuilding: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly courses: CoursesRepository,
    private readonly enrolments: EnrolmentsRepository,
    private readonly config: ConfigService<CourseEnv, true>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.rebuild().catch((error: unknown) =>
      this.logger.error({ err: error }, 'Initial recommendation model build failed; retrying on schedule'),
    );
    const every = this.config.get('COURSE_RECOMMENDATIONS_REBUILD_MS', { infer: true });
    this.timer = setInterval(() => {
      this.rebuild().catch((error: unknown) =>
        this.logger.error({ err: error }, 'Scheduled recommendation model rebuild failed'),
      );
    }, every);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Full rebuild from the database; concurrent callers share one run. */
  rebuild(): Promise<void> {
    this.rebuilding ??= this.doRebuild().finally(() => {
      this.rebuilding = null;
    });
    return this.rebuilding;
  }

  private async doRebuild(): Promise<void> {
    this.updatesDuringRebuild = [];
    try {
      const started = Date.now();
      const [courses, enrolments] = await Promise.all([
        this.courses.findAll(),
        this.enrolments.findAllActive(),
      ]);
      const model = RecommendationModel.build({ courses: courses.map(toCourseFeatures), enrolments });
      // The model's updates are idempotent, so replaying ones the snapshot already saw is harmless.
      for (const update of this.updatesDuringRebuild) update(model);
      this.model = model;
      const stats = model.stats();
      this.logger.log(
        { courses: stats.courses, enrolments: stats.enrolments, ms: Date.now() - started },
        'Recommendation model built',
      );
    } finally {
      this.updatesDuringRebuild = null;
    }
  }

  private apply(update: ModelUpdate): void {
    update(this.model);
    this.updatesDuringRebuild?.push(update);
  }

  courseChanged(course: CourseEntity): void {
    const features = toCourseFeatures(course);
    this.apply((model) => model.upsertCourse(features));
  }

  enrolled(userId: string, courseId: string): void {
    this.apply((model) => model.addEnrolment(userId, courseId));
  }

  /** Call when the user no longer holds any active enrolment of the course. */
  unenrolled(userId: string, courseId: string): void {
    this.apply((model) => model.removeEnrolment(userId, courseId));
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
    return this.withCourses(this.model.recommendForUser(userId, owned, limit));
  }

  async similarTo(courseId: string, limit: number, callerId?: string): Promise<CourseRecommendation[]> {
    const exclude = callerId ? await this.ownedBy(callerId) : [];
    return this.withCourses(this.model.similarTo(courseId, limit, { exclude }));
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
      return course ? [{ ...item, course }] : [];
    });
  }

  stats() {
    return this.model.stats();
  }
}

import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { COURSE_DATA_SOURCE } from '../course.constants';
import type { CourseEnv } from '../course.env';
import { CourseEntity } from '../courses/course.entity';
import { toCourseFeatures } from '../courses/course.mapper';
import { type Recommendation, RecommendationModel } from '../recommendations';

export interface CourseRecommendation extends Recommendation {
  course: CourseEntity;
}

type ModelUpdate = (model: RecommendationModel) => void;

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
    @InjectDataSource(COURSE_DATA_SOURCE) private readonly dataSource: DataSource,
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
        this.dataSource.getRepository(CourseEntity).find(),
        this.dataSource.query<{ userId: string; courseId: string }[]>(
          `SELECT DISTINCT user_id AS "userId", course_id AS "courseId"
             FROM course_enrolments WHERE cancelled_at IS NULL`,
        ),
      ]);
      const model = RecommendationModel.build({
        courses: courses.map(toCourseFeatures),
        enrolments: enrolments,
      });
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
    const rows = await this.dataSource.query<{ courseId: string }[]>(
      `SELECT course_id AS "courseId" FROM course_enrolments WHERE user_id = $1 AND cancelled_at IS NULL
       UNION SELECT id FROM courses WHERE instructor_id = $1`,
      [userId],
    );
    return rows.map((row) => row.courseId);
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
    const courses = await this.dataSource
      .getRepository(CourseEntity)
      .findBy({ id: In(items.map((item) => item.courseId)), status: 'published' });
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

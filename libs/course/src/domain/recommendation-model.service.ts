import { releaseStartupGarbage } from '@coursehub/core';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { CourseEnv } from '../course.env';
import type { CourseEntity } from '../data/course.entity';
import { EnrolmentsRepository } from '../data/enrolments.repository';
import { RecommendationSnapshotsRepository } from '../data/recommendation-snapshots.repository';
import {
  buildInWorker,
  type CourseFeatures,
  type LearnerSignalRow,
  RecommendationModel,
  type WorkerBuild,
} from '../recommendations';

/** A change to the served model: applied at once, and replayed on any model being prepared. */
export type ModelUpdate = (model: RecommendationModel) => void;

/**
 * Where the model being served comes from: nothing yet, the catalogue's enrolment counters
 * (popularity only, until the first build), the last persisted model, or a build of this process.
 */
export type ModelOrigin = 'empty' | 'popularity' | 'snapshot' | 'build';

/** Text weights of the popularity-only stand-in: no text, so no content lists to compute. */
const NO_TEXT = { title: 0, summary: 0, description: 0, tags: 0 };

/**
 * The course as the recommender sees it. The catalogue's `enrolmentCount` is left out on purpose:
 * the model is built from every active enrolment and told of each change, so it counts them
 * itself, while the counter it was handed would be a snapshot that later refunds cannot lower.
 */
export function toCourseFeatures(course: CourseFeatures | CourseEntity): CourseFeatures {
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
 * Holds the recommendation model of this process through its lifecycle. Start-up never waits for
 * a build: the last persisted model is served at once (or, on a first start, popularity from the
 * catalogue's counters) while a full build runs in a worker thread; the build's model is
 * persisted, swapped in, kept current by the updates applied to it (RecommendationsService), and
 * rebuilt on a timer (which also refreshes catalogue-wide IDF and catches anything another replica
 * changed).
 */
@Injectable()
export class RecommendationModelService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RecommendationModelService.name);
  private model = RecommendationModel.build({ courses: [], enrolments: [] });
  private origin: ModelOrigin = 'empty';
  /** One list per model being prepared: updates made meanwhile, replayed on it before the swap. */
  private readonly recorders = new Set<ModelUpdate[]>();
  private rebuilding: Promise<void> | null = null;
  private worker: WorkerBuild | undefined;
  private starting: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly enrolments: EnrolmentsRepository,
    private readonly snapshots: RecommendationSnapshotsRepository,
    private readonly config: ConfigService<CourseEnv, true>,
  ) {}

  /** Starts the model in the background: readiness does not wait for it. */
  onApplicationBootstrap(): void {
    this.starting = this.start().catch((error: unknown) =>
      this.logger.error({ err: error }, 'Recommendation model start-up failed; retrying on schedule'),
    );
    const every = this.config.get('COURSE_RECOMMENDATIONS_REBUILD_MS', { infer: true });
    this.timer = setInterval(() => {
      this.rebuild().catch((error: unknown) =>
        this.logger.error({ err: error }, 'Scheduled recommendation model rebuild failed'),
      );
    }, every);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.worker?.terminate();
    // A model being restored or persisted finishes against an open database.
    await this.starting;
    await this.rebuilding?.catch(() => undefined);
  }

  /** Settles when start-up (persisted model or popularity, then the first build) is over. */
  started(): Promise<void> {
    return this.starting;
  }

  /** The model served now, to query (changes go through `apply`). */
  get current(): RecommendationModel {
    return this.model;
  }

  /** Applies a change to the served model and records it for every model being prepared. */
  apply(update: ModelUpdate): void {
    update(this.model);
    for (const recorder of this.recorders) recorder.push(update);
  }

  private async start(): Promise<void> {
    await this.replaceModel(async () => {
      const stored = await this.snapshots.latest().catch((error: unknown) => {
        this.logger.warn({ err: error }, 'Persisted recommendation model unreadable; serving popularity');
        return undefined;
      });
      if (stored) {
        const restored = await RecommendationModel.restore(stored.snapshot, 250).catch((error: unknown) => {
          this.logger.warn({ err: error }, 'Persisted recommendation model unusable; serving popularity');
          return undefined;
        });
        if (restored) return { model: restored, origin: 'snapshot' };
      }
      // First start: popularity from the catalogue's counters, no text (nothing to compare).
      const courses = await this.snapshots.courseFeatures();
      return {
        model: RecommendationModel.build({ courses, enrolments: [] }, { fieldWeights: NO_TEXT }),
        origin: 'popularity',
      };
    });
    this.logger.log({ origin: this.origin, courses: this.model.stats().courses }, 'Recommendations served');
    await this.rebuild();
    // Start-up ends with the first build: the restored model it replaced and both restores' garbage
    // (50 MiB at 10,000 courses) go back to the system now, not whenever V8 finds the service idle.
    releaseStartupGarbage();
  }

  /** Full rebuild from the database in a worker thread; concurrent callers share one run. */
  rebuild(): Promise<void> {
    this.rebuilding ??= this.replaceModel(() => this.buildFromDatabase()).finally(() => {
      this.rebuilding = null;
    });
    return this.rebuilding;
  }

  private async buildFromDatabase(): Promise<
    { model: RecommendationModel; origin: ModelOrigin } | undefined
  > {
    const started = Date.now();
    const [courses, enrolments] = await Promise.all([
      this.snapshots.courseFeatures(),
      this.enrolments.findAllActive(),
    ]);
    if (this.closed) return undefined;
    const build = buildInWorker({ courses: courses.map(toCourseFeatures), enrolments });
    this.worker = build;
    let result;
    try {
      result = await build.result;
    } catch (error) {
      if (this.closed) return undefined; // terminated by onModuleDestroy
      throw error;
    } finally {
      this.worker = undefined;
    }
    if (this.closed) return undefined;
    const model = await RecommendationModel.restore(result.snapshot, 250);
    const stats = model.stats();
    try {
      await this.snapshots.save(result.snapshot, {
        builtAt: stats.builtAt,
        courses: stats.courses,
        enrolments: stats.enrolments,
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'Recommendation model built but not persisted');
    }
    this.logger.log(
      {
        courses: stats.courses,
        enrolments: stats.enrolments,
        ms: Date.now() - started,
        buildMs: Math.round(result.figures.buildMs),
        workerHeapMiB: Math.round(result.figures.heapUsedBytes / 2 ** 20),
        snapshotMiB: Math.round(result.figures.snapshotBytes / 2 ** 20),
      },
      'Recommendation model built',
    );
    return { model, origin: 'build' };
  }

  /**
   * Prepares a replacement model while the current one keeps serving, then replays on it the
   * updates made meanwhile and swaps it in. The model's updates are idempotent, so replaying one
   * the replacement already saw is harmless. A persisted model never replaces a fresher build.
   */
  private async replaceModel(
    prepare: () => Promise<{ model: RecommendationModel; origin: ModelOrigin } | undefined>,
  ): Promise<void> {
    const updates: ModelUpdate[] = [];
    this.recorders.add(updates);
    try {
      const next = await prepare();
      if (!next || this.closed) return;
      if (next.origin !== 'build' && this.origin === 'build') return;
      // Ratings and completions are read after the model (so none is older than it), then the
      // updates made meanwhile are replayed over them.
      next.model.loadSignals(await this.signals());
      if (this.closed) return;
      for (const update of updates) update(next.model);
      this.model = next.model;
      this.origin = next.origin;
    } finally {
      this.recorders.delete(updates);
    }
  }

  /** Every learner's ratings and completions; none when they cannot be read (the next build retries). */
  private async signals(): Promise<LearnerSignalRow[]> {
    try {
      return await this.snapshots.learnerSignals();
    } catch (error) {
      this.logger.warn(
        { err: error },
        'Ratings and completions unreadable; taste profiles use enrolments only',
      );
      return [];
    }
  }

  /**
   * The model served now: where it came from and its figures; whether a rebuild is under way and
   * whether its worker thread is running (it has read the database by then).
   */
  stats() {
    return {
      ...this.model.stats(),
      origin: this.origin,
      building: this.rebuilding !== null,
      workerRunning: this.worker !== undefined,
    };
  }
}

import { addEnrolment, removeEnrolment, upsertCourse } from './incremental-updates';
import { buildModelState } from './model-building';
import { decodeSnapshot, decodeSnapshotInSlices, encodeSnapshot, type ModelSnapshot } from './model-snapshot';
import type { LearnerSignal, ModelState } from './model-state';
import { popular, recommendForUser, similarTo } from './querying';
import type {
  CourseFeatures,
  LearnerSignalRow,
  Recommendation,
  RecommendationData,
  RecommendationModelOptions,
  RecommendationModelStats,
  RecommendOptions,
  SimilarOptions,
} from './types';

/**
 * Hybrid course recommender: item-to-item collaborative filtering over co-enrolments, blended with
 * TF-IDF content similarity, popularity for cold start. Everything a request needs is precomputed
 * per course (top-K neighbours of three kinds, popularity rankings); enrolments and course edits
 * update those structures incrementally. See README.md beside this file for the method.
 *
 * Not thread-safe by design (Node runs it on one thread); a scheduled full rebuild can build a new
 * model with {@link RecommendationModel.build} and swap the reference.
 */
export class RecommendationModel {
  private constructor(private readonly state: ModelState) {}

  /** Builds a model from scratch (the full rebuild). Later duplicates of a course id win. */
  static build(data: RecommendationData, options: RecommendationModelOptions = {}): RecommendationModel {
    return new RecommendationModel(buildModelState(data, options));
  }

  /**
   * The model as data ({@link ModelSnapshot}): what a worker thread hands back and what is persisted.
   * {@link fromSnapshot} gives back a model that answers and updates exactly as this one.
   */
  toSnapshot(): ModelSnapshot {
    return encodeSnapshot(this.state);
  }

  static fromSnapshot(snapshot: ModelSnapshot): RecommendationModel {
    return new RecommendationModel(decodeSnapshot(snapshot));
  }

  /**
   * {@link fromSnapshot} on the event loop in slices of `batch` courses, yielding between them, so
   * that restoring a large model does not hold up requests.
   */
  static async restore(snapshot: ModelSnapshot, batch = 2_000): Promise<RecommendationModel> {
    const slices = decodeSnapshotInSlices(snapshot, batch);
    for (;;) {
      const step = slices.next();
      if (step.done) return new RecommendationModel(step.value);
      await new Promise<void>((resume) => setImmediate(resume));
    }
  }

  /**
   * Records that a user enrolled in a course (an `order.confirmed`). Updates the co-enrolment
   * counts and the neighbour lists that involve the course. Returns false when nothing changed:
   * a repeated enrolment, or a course the model does not know (upsert it first; the next full
   * build repairs anything missed).
   */
  addEnrolment(userId: string, courseId: string): boolean {
    return addEnrolment(this.state, userId, courseId);
  }

  /** Reverses {@link addEnrolment} (refund, cancellation). Returns false when there was nothing to remove. */
  removeEnrolment(userId: string, courseId: string): boolean {
    return removeEnrolment(this.state, userId, courseId);
  }

  /**
   * Adds or replaces a course (text, tags, category, status). Recomputes its TF-IDF vector with the
   * document frequencies of the last full build (new terms count as appearing in one document): the
   * IDF of the rest of the catalogue drifts until the next {@link build}, which `stats()` reports.
   */
  upsertCourse(course: CourseFeatures): void {
    upsertCourse(this.state, course);
  }

  /**
   * Records the user's rating (1..5) of a course: ratings of 4 and 5 strengthen the course's
   * weight in the user's taste profile, 1 and 2 weaken it (see taste-profile.ts).
   */
  setRating(userId: string, courseId: string, rating: number): void {
    this.signalOf(userId, courseId).rating = rating;
  }

  removeRating(userId: string, courseId: string): void {
    const signal = this.state.signals.get(userId)?.get(courseId);
    if (signal) delete signal.rating;
  }

  /** Records that the user completed the course: it weighs more in their taste profile. */
  setCompleted(userId: string, courseId: string, completed = true): void {
    this.signalOf(userId, courseId).completed = completed;
  }

  /** Replaces every user's ratings and completions (after a build or a restore). */
  loadSignals(signals: Iterable<LearnerSignalRow>): void {
    this.state.signals.clear();
    for (const { userId, courseId, rating, completed } of signals) {
      const signal = this.signalOf(userId, courseId);
      if (rating !== undefined && rating !== null) signal.rating = rating;
      if (completed) signal.completed = true;
    }
  }

  private signalOf(userId: string, courseId: string): LearnerSignal {
    let byCourse = this.state.signals.get(userId);
    if (!byCourse) {
      byCourse = new Map();
      this.state.signals.set(userId, byCourse);
    }
    let signal = byCourse.get(courseId);
    if (!signal) {
      signal = {};
      byCourse.set(courseId, signal);
    }
    return signal;
  }

  /**
   * Personalised recommendations for a user who owns `ownedCourseIds` (besides what the model knows
   * they own): owned and unpublished courses are never returned; too few personalised items are
   * topped up by popularity in the categories of the user's courses, then overall.
   */
  recommendForUser(
    userId: string,
    ownedCourseIds: Iterable<string>,
    limit: number,
    options: RecommendOptions = {},
  ): Recommendation[] {
    return recommendForUser(this.state, userId, ownedCourseIds, limit, options);
  }

  /** Courses similar to one course, topped up by its category's most popular. Unknown course: []. */
  similarTo(courseId: string, limit: number, options: SimilarOptions = {}): Recommendation[] {
    return similarTo(this.state, courseId, limit, options);
  }

  /** The most popular published courses, overall or in one category. */
  popular(limit: number, options: { category?: string; exclude?: Iterable<string> } = {}): Recommendation[] {
    return popular(this.state, limit, options);
  }

  stats(): RecommendationModelStats {
    const { state } = this;
    let pairs = 0;
    for (const record of state.records) pairs += record.coEnrolments.size;
    return {
      courses: state.records.length,
      publishedCourses: state.records.filter((record) => state.isListed(record)).length,
      users: state.users.size,
      enrolments: state.enrolmentTotal,
      ignoredEnrolments: state.ignoredEnrolments,
      coEnrolmentPairs: pairs / 2,
      vocabulary: state.postings.size,
      coursesUpsertedSinceBuild: state.upsertedSinceBuild.size,
      builtAt: state.builtAt,
    };
  }
}

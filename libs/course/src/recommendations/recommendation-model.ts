import { compareScored, ScoredNeighbour, TopCollector, TopNeighbours } from './neighbour-list';
import { PopularityRanking } from './popularity';
import { binaryCosine, dotProduct, jaccardIndex, sharedTerms, supportWeight } from './similarity';
import {
  fitTfIdf,
  SparseVector,
  termCounts,
  TfIdfStatistics,
  tfIdfVector,
  WeightedField,
} from './text-features';
import type {
  CollaborativeMeasure,
  CourseFeatures,
  Enrolment,
  FieldWeights,
  Neighbour,
  NeighbourKind,
  Recommendation,
  RecommendationData,
  RecommendationModelOptions,
  RecommendationModelStats,
  RecommendationReason,
  RecommendOptions,
  SimilarOptions,
} from './types';

interface ResolvedOptions {
  readonly neighbours: number;
  readonly collaborativeWeight: number;
  readonly contentWeight: number;
  readonly supportShrinkage: number;
  readonly collaborativeMeasure: CollaborativeMeasure;
  readonly fieldWeights: FieldWeights;
  readonly reasonTerms: number;
}

interface CourseRecord {
  /** Dense index into `records`; never reused (courses are archived, not deleted). */
  readonly index: number;
  course: CourseFeatures;
  vector: SparseVector;
  /** Term → the word it was first seen as in this course, for "similar topics" reasons. */
  surfaces: ReadonlyMap<string, string>;
  /** Distinct users of the model enrolled in this course. */
  enrolled: number;
  /** Other course index → number of users enrolled in both. */
  readonly coEnrolments: Map<number, number>;
  readonly collaborative: TopNeighbours;
  readonly content: TopNeighbours;
  readonly hybrid: TopNeighbours;
}

const DEFAULT_FIELD_WEIGHTS: FieldWeights = { title: 2, summary: 1, description: 1, tags: 3 };

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
  private readonly records: CourseRecord[] = [];
  private readonly byId = new Map<string, CourseRecord>();
  private readonly users = new Map<string, Set<number>>();
  /** Inverted index of the TF-IDF vectors: term → course index → weight. */
  private readonly postings = new Map<string, Map<number, number>>();
  private readonly popularity = new PopularityRanking();
  private readonly upsertedSinceBuild = new Set<string>();
  private enrolmentTotal = 0;
  private ignoredEnrolments = 0;
  private readonly builtAt = new Date();

  private constructor(
    private readonly options: ResolvedOptions,
    /** Document frequencies of the last full build; frozen until the next one. */
    private readonly statistics: TfIdfStatistics,
  ) {}

  /** Builds a model from scratch (the full rebuild). Later duplicates of a course id win. */
  static build(data: RecommendationData, options: RecommendationModelOptions = {}): RecommendationModel {
    const resolved = resolveOptions(options);
    const courses = [...new Map(data.courses.map((course) => [course.id, course])).values()];
    const documents = courses.map((course) => termCounts(courseFields(course, resolved.fieldWeights)));
    const model = new RecommendationModel(resolved, fitTfIdf(documents.map((document) => document.counts)));

    courses.forEach((course, index) => {
      const record: CourseRecord = {
        index,
        course: copyCourse(course),
        vector: tfIdfVector(documents[index].counts, model.statistics),
        surfaces: documents[index].surfaces,
        enrolled: 0,
        coEnrolments: new Map(),
        collaborative: model.newList(),
        content: model.newList(),
        hybrid: model.newList(),
      };
      model.records.push(record);
      model.byId.set(course.id, record);
      model.addPostings(record);
    });

    for (const enrolment of data.enrolments) {
      const record = model.byId.get(enrolment.courseId);
      if (!record) {
        model.ignoredEnrolments++;
        continue;
      }
      let owned = model.users.get(enrolment.userId);
      if (!owned) {
        owned = new Set();
        model.users.set(enrolment.userId, owned);
      }
      if (owned.has(record.index)) continue;
      owned.add(record.index);
      record.enrolled++;
      model.enrolmentTotal++;
    }
    for (const owned of model.users.values()) {
      const indexes = [...owned];
      for (let i = 0; i < indexes.length; i++) {
        for (let j = i + 1; j < indexes.length; j++) {
          model.bumpCoEnrolment(indexes[i], indexes[j], 1);
        }
      }
    }

    for (const record of model.records) {
      model.recomputeCollaborative(record);
      model.recomputeContent(record);
      model.recomputeHybrid(record); // reads the content list, so after it
      model.refreshPopularity(record);
    }
    return model;
  }

  /**
   * Records that a user enrolled in a course (an `order.confirmed`). Updates the co-enrolment
   * counts and the neighbour lists that involve the course. Returns false when nothing changed:
   * a repeated enrolment, or a course the model does not know (upsert it first; the next full
   * build repairs anything missed).
   */
  addEnrolment(userId: string, courseId: string): boolean {
    const record = this.byId.get(courseId);
    if (!record) return false;
    let owned = this.users.get(userId);
    if (owned?.has(record.index)) return false;
    if (!owned) {
      owned = new Set();
      this.users.set(userId, owned);
    }
    for (const other of owned) this.bumpCoEnrolment(record.index, other, 1);
    owned.add(record.index);
    record.enrolled++;
    this.enrolmentTotal++;
    this.afterEnrolmentChange(record, owned);
    return true;
  }

  /** Reverses {@link addEnrolment} (refund, cancellation). Returns false when there was nothing to remove. */
  removeEnrolment(userId: string, courseId: string): boolean {
    const record = this.byId.get(courseId);
    const owned = this.users.get(userId);
    if (!record || !owned?.has(record.index)) return false;
    owned.delete(record.index);
    if (owned.size === 0) this.users.delete(userId);
    for (const other of owned) this.bumpCoEnrolment(record.index, other, -1);
    record.enrolled--;
    this.enrolmentTotal--;
    this.afterEnrolmentChange(record, owned);
    return true;
  }

  /**
   * Adds or replaces a course (text, tags, category, status). Recomputes its TF-IDF vector with the
   * document frequencies of the last full build (new terms count as appearing in one document): the
   * IDF of the rest of the catalogue drifts until the next {@link build}, which `stats()` reports.
   */
  upsertCourse(course: CourseFeatures): void {
    let record = this.byId.get(course.id);
    const wasListed = record?.course.status === 'published';
    const counts = termCounts(courseFields(course, this.options.fieldWeights));
    if (record) {
      this.removePostings(record);
      record.course = copyCourse(course);
      record.vector = tfIdfVector(counts.counts, this.statistics);
      record.surfaces = counts.surfaces;
    } else {
      record = {
        index: this.records.length,
        course: copyCourse(course),
        vector: tfIdfVector(counts.counts, this.statistics),
        surfaces: counts.surfaces,
        enrolled: 0,
        coEnrolments: new Map(),
        collaborative: this.newList(),
        content: this.newList(),
        hybrid: this.newList(),
      };
      this.records.push(record);
      this.byId.set(course.id, record);
    }
    this.addPostings(record);
    this.upsertedSinceBuild.add(course.id);

    const listingChanged = wasListed !== (course.status === 'published');
    this.recomputeContent(record);
    this.recomputeHybrid(record);
    for (const other of this.records) {
      if (other === record) continue;
      this.patch(other, record, 'content');
      this.patch(other, record, 'hybrid');
      if (listingChanged) this.patch(other, record, 'collaborative');
    }
    this.refreshPopularity(record);
  }

  /**
   * Personalised recommendations: every course the user owns (`ownedCourseIds` plus the model's own
   * enrolments of the user) votes for its precomputed neighbours with their scores; the sum ranks the
   * candidates. Owned and unpublished courses are never returned. When that yields fewer than
   * `limit` items (a new user, a niche catalogue) the rest is filled by popularity, in the
   * categories of the user's courses first, then overall.
   */
  recommendForUser(
    userId: string,
    ownedCourseIds: Iterable<string>,
    limit: number,
    options: RecommendOptions = {},
  ): Recommendation[] {
    const strategy = options.strategy ?? 'hybrid';
    const size = normaliseLimit(limit);
    const excluded = new Set(ownedCourseIds);
    for (const index of this.users.get(userId) ?? []) excluded.add(this.records[index].course.id);
    // Summing in a fixed source order keeps scores identical whatever order the caller lists courses in.
    const sources = [...excluded]
      .sort()
      .map((id) => this.byId.get(id))
      .filter((record): record is CourseRecord => record !== undefined);

    const results: Recommendation[] = [];
    if (strategy !== 'popular' && size > 0) {
      const candidates = new Map<number, { score: number; source: CourseRecord; via: ScoredNeighbour }>();
      for (const source of sources) {
        for (const neighbour of this.list(source, strategy).served) {
          if (excluded.has(neighbour.courseId) || !this.isListed(this.records[neighbour.index])) continue;
          const candidate = candidates.get(neighbour.index);
          if (!candidate) {
            candidates.set(neighbour.index, { score: neighbour.score, source, via: neighbour });
          } else {
            candidate.score += neighbour.score;
            // Sources arrive in id order, so on a tie the first (smallest id) stays the reason.
            if (neighbour.score > candidate.via.score) {
              candidate.source = source;
              candidate.via = neighbour;
            }
          }
        }
      }
      const ranked = [...candidates.values()]
        .map((candidate) => ({ ...candidate, courseId: candidate.via.courseId }))
        .sort(compareScored);
      for (const candidate of ranked.slice(0, size)) {
        const target = this.records[candidate.via.index];
        results.push(this.explain(target, candidate.source, candidate.via, candidate.score, 'enrolled-in'));
      }
    }

    const categoryCounts = new Map<string, number>();
    for (const source of sources) {
      categoryCounts.set(source.course.category, (categoryCounts.get(source.course.category) ?? 0) + 1);
    }
    const categories = [...categoryCounts]
      .sort(([a, countA], [b, countB]) => countB - countA || (a < b ? -1 : a > b ? 1 : 0))
      .map(([category]) => category);
    this.fillWithPopular(results, size, excluded, categories);
    return results;
  }

  /**
   * Courses similar to one course, from its precomputed neighbours, filled with the most popular
   * courses of its category when it has too few. Unknown course: empty list.
   */
  similarTo(courseId: string, limit: number, options: SimilarOptions = {}): Recommendation[] {
    const record = this.byId.get(courseId);
    const size = normaliseLimit(limit);
    if (!record || size === 0) return [];
    const excluded = new Set(options.exclude ?? []);
    excluded.add(courseId);
    const results: Recommendation[] = [];
    for (const neighbour of this.list(record, options.strategy ?? 'hybrid').served) {
      if (results.length >= size) break;
      if (excluded.has(neighbour.courseId) || !this.isListed(this.records[neighbour.index])) continue;
      results.push(
        this.explain(this.records[neighbour.index], record, neighbour, neighbour.score, 'taken-with'),
      );
    }
    this.fillWithPopular(results, size, excluded, [record.course.category]);
    return results;
  }

  /** The most popular published courses, overall or in one category. */
  popular(limit: number, options: { category?: string; exclude?: Iterable<string> } = {}): Recommendation[] {
    const results: Recommendation[] = [];
    const excluded = new Set(options.exclude ?? []);
    const size = normaliseLimit(limit);
    if (options.category === undefined) this.fillWithPopular(results, size, excluded, []);
    else this.fillWithPopular(results, size, excluded, [options.category], false);
    return results;
  }

  /** The precomputed neighbours of a course (for inspection, tests and debugging). */
  neighbours(courseId: string, kind: NeighbourKind = 'hybrid'): Neighbour[] {
    const record = this.byId.get(courseId);
    if (!record) return [];
    return this.list(record, kind).served.map(({ index, courseId: id, score, collaborative, content }) => ({
      courseId: id,
      score,
      collaborative,
      content,
      support: record.coEnrolments.get(index) ?? 0,
    }));
  }

  /** The data the model currently represents, e.g. to rebuild it from scratch. */
  exportData(): RecommendationData {
    const enrolments: Enrolment[] = [];
    for (const [userId, owned] of this.users) {
      for (const index of owned) enrolments.push({ userId, courseId: this.records[index].course.id });
    }
    return { courses: this.records.map((record) => record.course), enrolments };
  }

  stats(): RecommendationModelStats {
    let pairs = 0;
    for (const record of this.records) pairs += record.coEnrolments.size;
    return {
      courses: this.records.length,
      publishedCourses: this.records.filter((record) => this.isListed(record)).length,
      users: this.users.size,
      enrolments: this.enrolmentTotal,
      ignoredEnrolments: this.ignoredEnrolments,
      coEnrolmentPairs: pairs / 2,
      vocabulary: this.postings.size,
      coursesUpsertedSinceBuild: this.upsertedSinceBuild.size,
      builtAt: this.builtAt,
    };
  }

  // --- scoring ---------------------------------------------------------------------------------

  private isListed(record: CourseRecord): boolean {
    return record.course.status === 'published';
  }

  private list(record: CourseRecord, kind: NeighbourKind): TopNeighbours {
    return record[kind];
  }

  /** Twice the served size is kept, so most score changes are patched without a recompute. */
  private newList(): TopNeighbours {
    return new TopNeighbours(this.options.neighbours, 2 * this.options.neighbours);
  }

  private collaborativeSimilarity(owner: CourseRecord, other: CourseRecord, support: number): number {
    return this.options.collaborativeMeasure === 'jaccard'
      ? jaccardIndex(support, owner.enrolled, other.enrolled)
      : binaryCosine(support, owner.enrolled, other.enrolled);
  }

  /**
   * Score of `other` as a neighbour of `owner` in one kind of list, or undefined when it cannot be
   * one. `content` may be passed when already known (it is the same dot product either way).
   */
  private score(
    owner: CourseRecord,
    other: CourseRecord,
    kind: NeighbourKind,
    content?: number,
  ): ScoredNeighbour | undefined {
    if (other === owner || !this.isListed(other)) return undefined;
    const support = owner.coEnrolments.get(other.index) ?? 0;
    let collaborative = 0;
    let textual = 0;
    if (kind !== 'content') {
      collaborative = this.collaborativeSimilarity(owner, other, support);
      if (kind === 'hybrid') {
        collaborative *=
          this.options.collaborativeWeight * supportWeight(support, this.options.supportShrinkage);
      }
    }
    if (kind !== 'collaborative') {
      textual = content ?? dotProduct(owner.vector, other.vector);
      if (kind === 'hybrid') textual *= this.options.contentWeight;
    }
    const score = collaborative + textual;
    if (!(score > 0)) return undefined;
    return { index: other.index, courseId: other.course.id, score, collaborative, content: textual };
  }

  private recomputeCollaborative(record: CourseRecord): void {
    const candidates: ScoredNeighbour[] = [];
    for (const index of record.coEnrolments.keys()) {
      const scored = this.score(record, this.records[index], 'collaborative');
      if (scored) candidates.push(scored);
    }
    record.collaborative.replace(candidates);
  }

  private recomputeContent(record: CourseRecord): void {
    // Accumulate dot products through the inverted index, walking the owner's terms in ascending
    // order: the same summation order as dotProduct(), hence bit-identical scores.
    const dots = new Float64Array(this.records.length);
    const touched: number[] = [];
    for (const [term, weight] of record.vector) {
      for (const [index, otherWeight] of this.postings.get(term) ?? []) {
        if (dots[index] === 0) touched.push(index);
        dots[index] += weight * otherWeight;
      }
    }
    const collector = new TopCollector(record.content.capacity);
    for (const index of touched) {
      const other = this.records[index];
      const dot = dots[index];
      if (other === record || !this.isListed(other) || !(dot > 0)) continue;
      collector.consider(dot, other.course.id, () => this.score(record, other, 'content', dot)!);
    }
    record.content.replaceCollected(collector);
  }

  /**
   * Candidates: the co-enrolment row and the kept content neighbours. A course in neither scores at
   * most `contentWeight × (content similarity of the last kept content neighbour)`, which every kept
   * content neighbour reaches, so the best `kept.length` of those candidates are the exact top.
   */
  private recomputeHybrid(record: CourseRecord): void {
    const indexes = new Set(record.coEnrolments.keys());
    for (const neighbour of record.content.kept) indexes.add(neighbour.index);
    const candidates: ScoredNeighbour[] = [];
    for (const index of indexes) {
      const scored = this.score(record, this.records[index], 'hybrid');
      if (scored) candidates.push(scored);
    }
    record.hybrid.replace(candidates, record.content.isComplete ? Infinity : record.content.kept.length);
  }

  private recompute(record: CourseRecord, kind: NeighbourKind): void {
    if (kind === 'collaborative') this.recomputeCollaborative(record);
    else if (kind === 'content') this.recomputeContent(record);
    else this.recomputeHybrid(record);
  }

  /** `other`'s score in `owner`'s list of one kind changed: patch the list, or recompute it. */
  private patch(owner: CourseRecord, other: CourseRecord, kind: NeighbourKind): void {
    if (!this.list(owner, kind).update(other.course.id, this.score(owner, other, kind))) {
      this.recompute(owner, kind);
    }
  }

  /**
   * After a course's enrolments changed, every collaborative score involving it changed (its
   * enrolment count is in each denominator) and no other: recompute its own lists, patch its entry
   * in the lists of the courses it shares users with, and in those of the user's courses (whose
   * count with it may just have dropped to zero).
   */
  private afterEnrolmentChange(record: CourseRecord, userCourses: ReadonlySet<number>): void {
    this.recomputeCollaborative(record);
    this.recomputeHybrid(record);
    const affected = new Set(record.coEnrolments.keys());
    for (const index of userCourses) affected.add(index);
    affected.delete(record.index);
    for (const index of affected) {
      const other = this.records[index];
      this.patch(other, record, 'collaborative');
      this.patch(other, record, 'hybrid');
    }
    this.refreshPopularity(record);
  }

  private bumpCoEnrolment(a: number, b: number, delta: number): void {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ]) {
      const row = this.records[from].coEnrolments;
      const count = (row.get(to) ?? 0) + delta;
      if (count > 0) row.set(to, count);
      else row.delete(to);
    }
  }

  private addPostings(record: CourseRecord): void {
    for (const [term, weight] of record.vector) {
      let posting = this.postings.get(term);
      if (!posting) {
        posting = new Map();
        this.postings.set(term, posting);
      }
      posting.set(record.index, weight);
    }
  }

  private removePostings(record: CourseRecord): void {
    for (const term of record.vector.keys()) {
      const posting = this.postings.get(term);
      posting?.delete(record.index);
      if (posting?.size === 0) this.postings.delete(term);
    }
  }

  private refreshPopularity(record: CourseRecord): void {
    const score = Math.max(record.course.enrolmentCount ?? 0, record.enrolled);
    this.popularity.set(record.course.id, record.course.category, score, this.isListed(record));
  }

  // --- presentation ----------------------------------------------------------------------------

  /**
   * Turns a neighbour into a recommendation with its reason: co-enrolment ("because you enrolled
   * in X" for a user, "often taken with X" for a course page) when that part of the score is the
   * larger, else the terms the two courses share most strongly.
   */
  private explain(
    target: CourseRecord,
    source: CourseRecord,
    via: ScoredNeighbour,
    score: number,
    collaborativeKind: 'enrolled-in' | 'taken-with',
  ): Recommendation {
    const terms =
      via.content > via.collaborative
        ? sharedTerms(target.vector, source.vector, this.options.reasonTerms).map(
            (term) => target.surfaces.get(term) ?? source.surfaces.get(term) ?? term,
          )
        : [];
    const because: RecommendationReason =
      terms.length > 0
        ? { kind: 'similar-topics', courseId: source.course.id, terms }
        : { kind: collaborativeKind, courseId: source.course.id, title: source.course.title };
    return {
      courseId: target.course.id,
      score,
      source: because.kind === 'similar-topics' ? 'content' : 'collaborative',
      reason: reasonText(because),
      because,
    };
  }

  private fillWithPopular(
    results: Recommendation[],
    size: number,
    excluded: ReadonlySet<string>,
    categories: readonly string[],
    thenOverall = true,
  ): void {
    if (results.length >= size) return;
    const taken = new Set(results.map((result) => result.courseId));
    const lists = categories.map((category) => this.popularity.ranked(category));
    if (thenOverall) lists.push(this.popularity.ranked());
    for (const list of lists) {
      for (const entry of list) {
        if (results.length >= size) return;
        if (excluded.has(entry.courseId) || taken.has(entry.courseId)) continue;
        taken.add(entry.courseId);
        const because: RecommendationReason = { kind: 'popular', category: entry.category };
        results.push({
          courseId: entry.courseId,
          score: 0,
          source: 'popular',
          reason: reasonText(because),
          because,
        });
      }
    }
  }
}

/** The English sentence for a reason. */
export function reasonText(reason: RecommendationReason): string {
  switch (reason.kind) {
    case 'enrolled-in':
      return `because you enrolled in ${reason.title}`;
    case 'taken-with':
      return `often taken with ${reason.title}`;
    case 'similar-topics':
      return `similar topics: ${reason.terms.join(', ')}`;
    case 'popular':
      return `popular in ${reason.category}`;
  }
}

function courseFields(course: CourseFeatures, weights: FieldWeights): WeightedField[] {
  return [
    // Tags first, so a term's display form comes from the tag when it has one.
    { text: course.tags.join(' \n '), weight: weights.tags },
    { text: course.title, weight: weights.title },
    { text: course.summary ?? '', weight: weights.summary },
    { text: course.description ?? '', weight: weights.description },
  ];
}

function copyCourse(course: CourseFeatures): CourseFeatures {
  return Object.freeze({ ...course, tags: Object.freeze([...course.tags]) });
}

function normaliseLimit(limit: number): number {
  if (!Number.isFinite(limit) || limit <= 0) return 0;
  return Math.floor(limit);
}

function resolveOptions(options: RecommendationModelOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    neighbours: options.neighbours ?? 50,
    collaborativeWeight: options.collaborativeWeight ?? 0.9,
    contentWeight: options.contentWeight ?? 0.1,
    supportShrinkage: options.supportShrinkage ?? 3,
    collaborativeMeasure: options.collaborativeMeasure ?? 'cosine',
    fieldWeights: { ...DEFAULT_FIELD_WEIGHTS, ...options.fieldWeights },
    reasonTerms: options.reasonTerms ?? 3,
  };
  const nonNegative = (name: string, value: number) => {
    if (!Number.isFinite(value) || value < 0)
      throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  };
  if (!Number.isInteger(resolved.neighbours) || resolved.neighbours < 1) {
    throw new RangeError(`neighbours must be an integer >= 1, got ${resolved.neighbours}`);
  }
  if (!Number.isInteger(resolved.reasonTerms) || resolved.reasonTerms < 1) {
    throw new RangeError(`reasonTerms must be an integer >= 1, got ${resolved.reasonTerms}`);
  }
  nonNegative('collaborativeWeight', resolved.collaborativeWeight);
  nonNegative('contentWeight', resolved.contentWeight);
  nonNegative('supportShrinkage', resolved.supportShrinkage);
  if (resolved.collaborativeWeight + resolved.contentWeight === 0) {
    throw new RangeError('collaborativeWeight and contentWeight cannot both be 0');
  }
  if (resolved.collaborativeMeasure !== 'cosine' && resolved.collaborativeMeasure !== 'jaccard') {
    throw new RangeError(
      `collaborativeMeasure must be 'cosine' or 'jaccard', got ${String(resolved.collaborativeMeasure)}`,
    );
  }
  for (const field of ['title', 'summary', 'description', 'tags'] as const) {
    nonNegative(`fieldWeights.${field}`, resolved.fieldWeights[field]);
  }
  return resolved;
}

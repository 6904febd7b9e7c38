import { COMMON_TERM_MIN_COURSES, type ResolvedOptions } from './model-options';
import { TopNeighbours } from './neighbour-list';
import { PopularityRanking } from './popularity';
import {
  SparseVector,
  termCounts,
  TermCounts,
  TfIdfStatistics,
  tfIdfVector,
  truncateVector,
  WeightedField,
} from './text-features';
import type { CourseFeatures, FieldWeights } from './types';

/** A learner's rating of a course and whether they completed it. */
export interface LearnerSignal {
  rating?: number;
  completed?: boolean;
}

/** What the model keeps of a course's data (its text lives on only as the vector). */
export type StoredCourse = Pick<CourseFeatures, 'id' | 'title' | 'category' | 'status' | 'enrolmentCount'>;

/** What the model keeps per course. */
export interface CourseRecord {
  /** Dense index into `records`; never reused (courses are archived, not deleted). */
  readonly index: number;
  course: StoredCourse;
  /** `course.status === 'published'`, kept beside it: it is asked for every candidate of every list. */
  listed: boolean;
  vector: SparseVector;
  /**
   * Term → the word it was first seen as in this course, for reasons: indexed terms only, and only
   * where the word differs from the term (a folded plural); see {@link surfaceOf}.
   */
  surfaces: ReadonlyMap<string, string>;
  /** Distinct users of the model enrolled in this course. */
  enrolled: number;
  /** Other course index → number of users enrolled in both. */
  readonly coEnrolments: Map<number, number>;
  readonly collaborative: TopNeighbours;
  readonly content: TopNeighbours;
  readonly hybrid: TopNeighbours;
}

/** How a term of the course's vector is shown: the word it was first seen as. */
export function surfaceOf(record: CourseRecord, term: string): string {
  return record.surfaces.get(term) ?? term;
}

/** The weighted term counts of a course's text: the document its TF-IDF vector is made from. */
export function courseDocument(course: CourseFeatures, weights: FieldWeights): TermCounts {
  const fields: WeightedField[] = [
    // Tags first, so a term's display form comes from the tag when it has one.
    { text: course.tags.join(' \n '), weight: weights.tags },
    { text: course.title, weight: weights.title },
    { text: course.summary ?? '', weight: weights.summary },
    { text: course.description ?? '', weight: weights.description },
  ];
  return termCounts(fields);
}

/**
 * The data structures of one model: course records, who owns what, the inverted index of the text
 * vectors and the popularity rankings, with the bookkeeping that keeps them consistent. Building,
 * updating and querying (the files beside this one) work on it; the neighbour lists in the records
 * are maintained by neighbour-scoring.ts.
 */
export class ModelState {
  readonly records: CourseRecord[] = [];
  readonly byId = new Map<string, CourseRecord>();
  /** User id → indexes of the courses they are enrolled in. */
  readonly users = new Map<string, Set<number>>();
  /** Inverted index of the TF-IDF vectors: term → course index → weight. */
  readonly postings = new Map<string, Map<number, number>>();
  readonly popularity = new PopularityRanking();
  readonly upsertedSinceBuild = new Set<string>();
  /**
   * What users told beyond enrolling: user id → course id → their rating (1..5) and whether they
   * completed it. Weighs the user's courses in their taste profile at query time (see
   * taste-profile.ts); not part of the neighbour lists, so not of snapshots either.
   */
  readonly signals = new Map<string, Map<string, LearnerSignal>>();
  enrolmentTotal = 0;
  ignoredEnrolments = 0;
  /**
   * Dot-product accumulator of content recomputes, one slot per course, all zero between uses:
   * allocating it per recompute would cost O(courses) each, O(courses²) a build.
   */
  private scratch = new Float64Array(0);
  private readonly commonTermLimit: number;

  constructor(
    readonly options: ResolvedOptions,
    /** Document frequencies of the last full build; frozen until the next one. */
    readonly statistics: TfIdfStatistics,
    readonly builtAt = new Date(),
  ) {
    this.commonTermLimit = Math.max(
      COMMON_TERM_MIN_COURSES,
      options.commonTermShare * statistics.documentCount,
    );
  }

  /** Whether a term is too common (by the build's document frequencies) to be indexed. */
  isCommonTerm(term: string): boolean {
    return (this.statistics.documentFrequency.get(term) ?? 1) > this.commonTermLimit;
  }

  /** The zeroed accumulator of content recomputes (callers zero what they touched). */
  contentAccumulator(): Float64Array {
    if (this.scratch.length < this.records.length) {
      this.scratch = new Float64Array(Math.max(this.records.length, 2 * this.scratch.length));
    }
    return this.scratch;
  }

  /** Only published courses are ever neighbours or recommendations. */
  isListed(record: CourseRecord): boolean {
    return record.listed;
  }

  /** Appends a course the model does not know yet. */
  addCourse(course: CourseFeatures, document: TermCounts): CourseRecord {
    const record = this.newRecord(course);
    this.setText(record, document);
    this.append(record);
    return record;
  }

  /** Appends a course of a snapshot as it was saved (its lists are loaded by the caller). */
  restoreCourse(
    course: StoredCourse,
    vector: SparseVector,
    surfaces: ReadonlyMap<string, string>,
    enrolled: number,
  ): CourseRecord {
    const record = this.newRecord(course);
    record.vector = vector;
    record.surfaces = surfaces;
    record.enrolled = enrolled;
    this.append(record);
    return record;
  }

  private newRecord(course: StoredCourse): CourseRecord {
    return {
      index: this.records.length,
      course: copyCourse(course),
      listed: course.status === 'published',
      vector: new Map(),
      surfaces: new Map(),
      enrolled: 0,
      coEnrolments: new Map(),
      collaborative: this.newList(),
      content: this.newList(),
      hybrid: this.newList(),
    };
  }

  private append(record: CourseRecord): void {
    this.records.push(record);
    this.byId.set(record.course.id, record);
    this.addPostings(record);
  }

  /** Replaces a known course's data and text vector (its enrolments and lists stay). */
  replaceCourse(record: CourseRecord, course: CourseFeatures, document: TermCounts): void {
    this.removePostings(record);
    record.course = copyCourse(course);
    record.listed = course.status === 'published';
    this.setText(record, document);
    this.addPostings(record);
  }

  private setText(record: CourseRecord, document: TermCounts): void {
    const vector = truncateVector(
      tfIdfVector(document.counts, this.statistics),
      this.options.indexedTerms,
      (term) => this.isCommonTerm(term),
    );
    record.vector = vector;
    const surfaces = new Map<string, string>();
    for (const term of vector.keys()) {
      const surface = document.surfaces.get(term);
      // Most terms are shown as spelt: only the others cost an entry (see surfaceOf).
      if (surface !== undefined && surface !== term) surfaces.set(term, surface);
    }
    record.surfaces = surfaces;
  }

  /** Changes the number of users enrolled in both courses, on both sides. */
  bumpCoEnrolment(a: number, b: number, delta: number): void {
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

  refreshPopularity(record: CourseRecord): void {
    this.popularity.set(record.course.id, record.course.category, popularityScore(record), record.listed);
  }

  /** Every course's popularity at once (after a build or a restore). */
  refreshAllPopularity(): void {
    this.popularity.load(
      this.records.map((record) => ({
        courseId: record.course.id,
        category: record.course.category,
        score: popularityScore(record),
        listed: record.listed,
      })),
    );
  }

  /** Twice the served size is kept, so most score changes are patched without a recompute. */
  private newList(): TopNeighbours {
    return new TopNeighbours(this.options.neighbours, 2 * this.options.neighbours, this.courseIdOf);
  }

  /** Shared by every list: ids come from the records rather than a string slot per entry. */
  private readonly courseIdOf = (index: number): string => this.records[index].course.id;

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
}

function popularityScore(record: CourseRecord): number {
  return Math.max(record.course.enrolmentCount ?? 0, record.enrolled);
}

export function copyCourse(course: StoredCourse): StoredCourse {
  const { id, title, category, status, enrolmentCount } = course;
  return Object.freeze(
    enrolmentCount === undefined
      ? { id, title, category, status }
      : { id, title, category, status, enrolmentCount },
  );
}

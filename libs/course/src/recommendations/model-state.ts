import type { ResolvedOptions } from './model-options';
import { TopNeighbours } from './neighbour-list';
import { PopularityRanking } from './popularity';
import {
  SparseVector,
  termCounts,
  TermCounts,
  TfIdfStatistics,
  tfIdfVector,
  WeightedField,
} from './text-features';
import type { CourseFeatures, FieldWeights } from './types';

/** What the model keeps per course. */
export interface CourseRecord {
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
  enrolmentTotal = 0;
  ignoredEnrolments = 0;
  readonly builtAt = new Date();

  constructor(
    readonly options: ResolvedOptions,
    /** Document frequencies of the last full build; frozen until the next one. */
    readonly statistics: TfIdfStatistics,
  ) {}

  /** Only published courses are ever neighbours or recommendations. */
  isListed(record: CourseRecord): boolean {
    return record.course.status === 'published';
  }

  /** Appends a course the model does not know yet. */
  addCourse(course: CourseFeatures, document: TermCounts): CourseRecord {
    const record: CourseRecord = {
      index: this.records.length,
      course: copyCourse(course),
      vector: tfIdfVector(document.counts, this.statistics),
      surfaces: document.surfaces,
      enrolled: 0,
      coEnrolments: new Map(),
      collaborative: this.newList(),
      content: this.newList(),
      hybrid: this.newList(),
    };
    this.records.push(record);
    this.byId.set(course.id, record);
    this.addPostings(record);
    return record;
  }

  /** Replaces a known course's data and text vector (its enrolments and lists stay). */
  replaceCourse(record: CourseRecord, course: CourseFeatures, document: TermCounts): void {
    this.removePostings(record);
    record.course = copyCourse(course);
    record.vector = tfIdfVector(document.counts, this.statistics);
    record.surfaces = document.surfaces;
    this.addPostings(record);
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
    const score = Math.max(record.course.enrolmentCount ?? 0, record.enrolled);
    this.popularity.set(record.course.id, record.course.category, score, this.isListed(record));
  }

  /** Twice the served size is kept, so most score changes are patched without a recompute. */
  private newList(): TopNeighbours {
    return new TopNeighbours(this.options.neighbours, 2 * this.options.neighbours);
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
}

function copyCourse(course: CourseFeatures): CourseFeatures {
  return Object.freeze({ ...course, tags: Object.freeze([...course.tags]) });
}

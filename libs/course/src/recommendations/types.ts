import type { CourseStatus } from '../course.constants';

/** Only `published` courses are ever recommended. */
export type { CourseStatus };

/** What the recommender needs to know about a course (a projection of the course entity). */
export interface CourseFeatures {
  readonly id: string;
  readonly title: string;
  readonly summary?: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly category: string;
  readonly status: CourseStatus;
  /**
   * Catalogue enrolment counter, if the caller keeps one. Popularity uses the larger of this and
   * the enrolments the model has seen, so a model built from a window of recent enrolments still
   * ranks long-standing best-sellers correctly.
   */
  readonly enrolmentCount?: number;
}

/** One user owning one course (a confirmed order). */
export interface Enrolment {
  readonly userId: string;
  readonly courseId: string;
}

/** A learner's rating of a course (1..5) and/or completion of it: weighs it in their taste profile. */
export interface LearnerSignalRow {
  readonly userId: string;
  readonly courseId: string;
  readonly rating?: number | null;
  readonly completed?: boolean;
}

/** Everything a model is built from. */
export interface RecommendationData {
  readonly courses: readonly CourseFeatures[];
  readonly enrolments: readonly Enrolment[];
}

/** Item-to-item collaborative similarity over the user–course enrolment matrix. */
export type CollaborativeMeasure = 'cosine' | 'jaccard';

/** Which precomputed neighbour lists serve a request (the non-hybrid ones exist for evaluation). */
export type RecommendationStrategy = 'hybrid' | 'collaborative' | 'content' | 'popular';

/** Kinds of precomputed neighbour list kept per course. */
export type NeighbourKind = 'hybrid' | 'collaborative' | 'content';

export interface RecommendationModelOptions {
  /** Neighbours kept per course and per kind (top-K). Default 50. */
  readonly neighbours?: number;
  /**
   * Weight of the collaborative similarity in the hybrid score. Default 0.9. Text similarities run
   * larger than co-enrolment cosines, so a small content weight already orders courses with no
   * co-enrolment support (the defaults did best on the synthetic evaluation; re-tune on real data).
   */
  readonly collaborativeWeight?: number;
  /** Weight of the content similarity in the hybrid score. Default 0.1. */
  readonly contentWeight?: number;
  /**
   * Support shrinkage λ: the collaborative term of a pair with `n` co-enrolments is scaled by
   * `n / (n + λ)`, so a similarity resting on one or two shared students counts for little.
   * Default 3; 0 disables shrinkage.
   */
  readonly supportShrinkage?: number;
  /** Default `cosine`. */
  readonly collaborativeMeasure?: CollaborativeMeasure;
  /** Term-frequency multiplier per field of the course text. Defaults: title 2, summary 1, description 1, tags 3. */
  readonly fieldWeights?: Partial<FieldWeights>;
  /** How many shared terms a "similar topics" reason lists. Default 3. */
  readonly reasonTerms?: number;
  /**
   * Content similarity compares each course's this many heaviest TF-IDF terms (the rest of a long
   * description carries little weight but would make every course sharing a word a candidate).
   * Default 24.
   */
  readonly indexedTerms?: number;
  /**
   * Terms in more than this share of the catalogue (and in more than 200 courses) are not indexed:
   * they separate nothing and would make the content lists quadratic. Default 0.1.
   */
  readonly commonTermShare?: number;
  /**
   * Cold start: a published course with fewer enrolments than this is "fresh". Co-enrolment cannot
   * bring it to anyone yet, so personalised lists reserve room for the fresh courses whose text best
   * matches the user's taste profile. Default 2 (no enrolment or one).
   */
  readonly freshEnrolments?: number;
  /** Share of a personalised list reserved for fresh courses (rounded: 0.2 keeps 2 of 10). Default 0.2. */
  readonly freshShare?: number;
  /** Taste-profile content similarity a fresh course needs to take a reserved place. Default 0.2. */
  readonly freshMinSimilarity?: number;
}

export interface FieldWeights {
  readonly title: number;
  readonly summary: number;
  readonly description: number;
  readonly tags: number;
}

/** Why an item is recommended, as data (the HTTP layer may render or translate it). */
export type RecommendationReason =
  /** Co-enrolment with a course the user owns: "because you enrolled in <title>". */
  | { readonly kind: 'enrolled-in'; readonly courseId: string; readonly title: string }
  /** Content similarity to a course (the user's, or the one asked about): "similar topics: a, b, c". */
  | { readonly kind: 'similar-topics'; readonly courseId: string; readonly terms: readonly string[] }
  /** Co-enrolment with the course asked about in `similarTo`: "often taken with <title>". */
  | { readonly kind: 'taken-with'; readonly courseId: string; readonly title: string }
  /** Co-enrolment with a course the user completed: "because you completed <title>". */
  | { readonly kind: 'completed'; readonly courseId: string; readonly title: string }
  /**
   * A fresh course (few or no enrolments yet) whose text matches the user's taste profile, through
   * the owned course it is most similar to: "new: matches your interest in a, b, c".
   */
  | { readonly kind: 'new-match'; readonly courseId: string; readonly terms: readonly string[] }
  /** Popularity fallback: "popular in <category>". */
  | { readonly kind: 'popular'; readonly category: string };

export interface Recommendation {
  readonly courseId: string;
  /** Ranking score of the strategy that produced the item; 0 for popularity fill. */
  readonly score: number;
  /** Which signal produced the item. */
  readonly source: 'collaborative' | 'content' | 'popular';
  /** Human-readable reason, e.g. `because you enrolled in Intro to SQL`. */
  readonly reason: string;
  /** The same reason as data. */
  readonly because: RecommendationReason;
}

export interface RecommendOptions {
  /** Default `hybrid`. */
  readonly strategy?: RecommendationStrategy;
}

export interface SimilarOptions {
  /** Default `hybrid`. */
  readonly strategy?: Exclude<RecommendationStrategy, 'popular'>;
  /** Courses to leave out (e.g. the ones the caller already owns). */
  readonly exclude?: Iterable<string>;
}

export interface RecommendationModelStats {
  readonly courses: number;
  readonly publishedCourses: number;
  readonly users: number;
  readonly enrolments: number;
  /** Enrolments of courses the model does not know, left out (upsert the course first). */
  readonly ignoredEnrolments: number;
  readonly coEnrolmentPairs: number;
  readonly vocabulary: number;
  /** Courses upserted since the last full build: their TF-IDF used the IDF of that build. */
  readonly coursesUpsertedSinceBuild: number;
  readonly builtAt: Date;
}

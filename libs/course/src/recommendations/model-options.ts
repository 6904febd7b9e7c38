import type { CollaborativeMeasure, FieldWeights, RecommendationModelOptions } from './types';

/** The options with every default filled in, as the model uses them. */
export interface ResolvedOptions {
  readonly neighbours: number;
  readonly collaborativeWeight: number;
  readonly contentWeight: number;
  readonly supportShrinkage: number;
  readonly collaborativeMeasure: CollaborativeMeasure;
  readonly fieldWeights: FieldWeights;
  readonly reasonTerms: number;
  readonly indexedTerms: number;
  readonly commonTermShare: number;
  readonly freshEnrolments: number;
  readonly freshShare: number;
  readonly freshMinSimilarity: number;
}

/**
 * A term is only called too common to index when it is also in more courses than this: in a small
 * catalogue every term is cheap, and a share alone would drop "databases" from ten courses.
 */
export const COMMON_TERM_MIN_COURSES = 200;

export const DEFAULT_FIELD_WEIGHTS: FieldWeights = { title: 2, summary: 1, description: 1, tags: 3 };

/** Fills in the defaults and rejects values the model cannot work with (RangeError). */
export function resolveOptions(options: RecommendationModelOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    neighbours: options.neighbours ?? 50,
    collaborativeWeight: options.collaborativeWeight ?? 0.9,
    contentWeight: options.contentWeight ?? 0.1,
    supportShrinkage: options.supportShrinkage ?? 3,
    collaborativeMeasure: options.collaborativeMeasure ?? 'cosine',
    fieldWeights: { ...DEFAULT_FIELD_WEIGHTS, ...options.fieldWeights },
    reasonTerms: options.reasonTerms ?? 3,
    indexedTerms: options.indexedTerms ?? 24,
    commonTermShare: options.commonTermShare ?? 0.1,
    freshEnrolments: options.freshEnrolments ?? 2,
    freshShare: options.freshShare ?? 0.2,
    freshMinSimilarity: options.freshMinSimilarity ?? 0.2,
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
  if (!Number.isInteger(resolved.indexedTerms) || resolved.indexedTerms < 1) {
    throw new RangeError(`indexedTerms must be an integer >= 1, got ${resolved.indexedTerms}`);
  }
  if (!(resolved.commonTermShare > 0 && resolved.commonTermShare <= 1)) {
    throw new RangeError(`commonTermShare must be in (0, 1], got ${resolved.commonTermShare}`);
  }
  if (!Number.isInteger(resolved.freshEnrolments) || resolved.freshEnrolments < 0) {
    throw new RangeError(`freshEnrolments must be an integer >= 0, got ${resolved.freshEnrolments}`);
  }
  if (!(resolved.freshShare >= 0 && resolved.freshShare <= 1)) {
    throw new RangeError(`freshShare must be in [0, 1], got ${resolved.freshShare}`);
  }
  nonNegative('freshMinSimilarity', resolved.freshMinSimilarity);
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

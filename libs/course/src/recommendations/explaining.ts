import { type CourseRecord, type ModelState, surfaceOf } from './model-state';
import type { ScoredNeighbour } from './neighbour-list';
import type { PopularCourse } from './popularity';
import { sharedTerms } from './similarity';
import type { Recommendation, RecommendationReason } from './types';

/*
 * Why an item is recommended: the reason as data and as an English sentence.
 */

/**
 * Turns a neighbour into a recommendation with its reason: co-enrolment ("because you enrolled
 * in X" for a user, "often taken with X" for a course page) when that part of the score is the
 * larger, else the terms the two courses share most strongly.
 */
export function explainNeighbour(
  state: ModelState,
  target: CourseRecord,
  source: CourseRecord,
  via: ScoredNeighbour,
  score: number,
  collaborativeKind: 'enrolled-in' | 'taken-with' | 'completed',
): Recommendation {
  const terms =
    via.content > via.collaborative
      ? // A shared term is in both vectors: shown as the recommended course spells it.
        sharedTerms(target.vector, source.vector, state.options.reasonTerms).map((term) =>
          surfaceOf(target, term),
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

/**
 * A fresh course (few or no enrolments) brought by the user's taste profile: the terms it shares
 * with `source`, the owned course it is most similar to. `score` is the profile similarity.
 */
export function explainFresh(
  state: ModelState,
  target: CourseRecord,
  source: CourseRecord,
  score: number,
): Recommendation {
  const terms = sharedTerms(target.vector, source.vector, state.options.reasonTerms).map((term) =>
    surfaceOf(target, term),
  );
  const because: RecommendationReason = { kind: 'new-match', courseId: source.course.id, terms };
  return { courseId: target.course.id, score, source: 'content', reason: reasonText(because), because };
}

/** A popularity fill item: "popular in <category>", score 0. */
export function explainPopular(entry: PopularCourse): Recommendation {
  const because: RecommendationReason = { kind: 'popular', category: entry.category };
  return { courseId: entry.courseId, score: 0, source: 'popular', reason: reasonText(because), because };
}

/** The English sentence for a reason. */
export function reasonText(reason: RecommendationReason): string {
  switch (reason.kind) {
    case 'enrolled-in':
      return `because you enrolled in ${reason.title}`;
    case 'completed':
      return `because you completed ${reason.title}`;
    case 'new-match':
      return reason.terms.length > 0
        ? `new: matches your interest in ${reason.terms.join(', ')}`
        : 'new: matches your interests';
    case 'taken-with':
      return `often taken with ${reason.title}`;
    case 'similar-topics':
      return `similar topics: ${reason.terms.join(', ')}`;
    case 'popular':
      return `popular in ${reason.category}`;
  }
}

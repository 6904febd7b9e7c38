import { explainNeighbour, explainPopular } from './explaining';
import type { CourseRecord, ModelState } from './model-state';
import { compareScored, ScoredNeighbour } from './neighbour-list';
import type { Recommendation, RecommendOptions, SimilarOptions } from './types';

/*
 * Answers from the precomputed lists: a request sums or reads neighbour scores and never computes
 * a similarity. Ties are broken by course id, so answers are deterministic.
 */

/**
 * Personalised recommendations: every course the user owns (`ownedCourseIds` plus the model's own
 * enrolments of the user) votes for its precomputed neighbours with their scores; the sum ranks the
 * candidates. Owned and unpublished courses are never returned. When that yields fewer than
 * `limit` items the rest is filled by popularity, in the categories of the user's courses first,
 * then overall.
 */
export function recommendForUser(
  state: ModelState,
  userId: string,
  ownedCourseIds: Iterable<string>,
  limit: number,
  options: RecommendOptions,
): Recommendation[] {
  const strategy = options.strategy ?? 'hybrid';
  const size = normaliseLimit(limit);
  const excluded = new Set(ownedCourseIds);
  for (const index of state.users.get(userId) ?? []) excluded.add(state.records[index].course.id);
  // Summing in a fixed source order keeps scores identical whatever order the caller lists courses in.
  const sources = [...excluded]
    .sort()
    .map((id) => state.byId.get(id))
    .filter((record): record is CourseRecord => record !== undefined);

  const results: Recommendation[] = [];
  if (strategy !== 'popular' && size > 0) {
    const candidates = new Map<number, { score: number; source: CourseRecord; via: ScoredNeighbour }>();
    for (const source of sources) {
      for (const neighbour of source[strategy].served) {
        if (excluded.has(neighbour.courseId) || !state.isListed(state.records[neighbour.index])) continue;
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
      const target = state.records[candidate.via.index];
      results.push(
        explainNeighbour(state, target, candidate.source, candidate.via, candidate.score, 'enrolled-in'),
      );
    }
  }

  const categoryCounts = new Map<string, number>();
  for (const source of sources) {
    categoryCounts.set(source.course.category, (categoryCounts.get(source.course.category) ?? 0) + 1);
  }
  const categories = [...categoryCounts]
    .sort(([a, countA], [b, countB]) => countB - countA || (a < b ? -1 : a > b ? 1 : 0))
    .map(([category]) => category);
  fillWithPopular(state, results, size, excluded, categories);
  return results;
}

/**
 * Courses similar to one course, from its precomputed neighbours, filled with the most popular
 * courses of its category when it has too few. Unknown course: empty list.
 */
export function similarTo(
  state: ModelState,
  courseId: string,
  limit: number,
  options: SimilarOptions,
): Recommendation[] {
  const record = state.byId.get(courseId);
  const size = normaliseLimit(limit);
  if (!record || size === 0) return [];
  const excluded = new Set(options.exclude ?? []);
  excluded.add(courseId);
  const results: Recommendation[] = [];
  for (const neighbour of record[options.strategy ?? 'hybrid'].served) {
    if (results.length >= size) break;
    const target = state.records[neighbour.index];
    if (excluded.has(neighbour.courseId) || !state.isListed(target)) continue;
    results.push(explainNeighbour(state, target, record, neighbour, neighbour.score, 'taken-with'));
  }
  fillWithPopular(state, results, size, excluded, [record.course.category]);
  return results;
}

/** The most popular published courses, overall or in one category. */
export function popular(
  state: ModelState,
  limit: number,
  options: { category?: string; exclude?: Iterable<string> },
): Recommendation[] {
  const results: Recommendation[] = [];
  const excluded = new Set(options.exclude ?? []);
  const size = normaliseLimit(limit);
  if (options.category === undefined) fillWithPopular(state, results, size, excluded, []);
  else fillWithPopular(state, results, size, excluded, [options.category], false);
  return results;
}

/** Tops `results` up to `size` from the popularity rankings of `categories`, then overall. */
function fillWithPopular(
  state: ModelState,
  results: Recommendation[],
  size: number,
  excluded: ReadonlySet<string>,
  categories: readonly string[],
  thenOverall = true,
): void {
  if (results.length >= size) return;
  const taken = new Set(results.map((result) => result.courseId));
  const lists = categories.map((category) => state.popularity.ranked(category));
  if (thenOverall) lists.push(state.popularity.ranked());
  for (const list of lists) {
    for (const entry of list) {
      if (results.length >= size) return;
      if (excluded.has(entry.courseId) || taken.has(entry.courseId)) continue;
      taken.add(entry.courseId);
      results.push(explainPopular(entry));
    }
  }
}

function normaliseLimit(limit: number): number {
  if (!Number.isFinite(limit) || limit <= 0) return 0;
  return Math.floor(limit);
}

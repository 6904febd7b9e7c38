import { explainFresh, explainNeighbour, explainPopular } from './explaining';
import type { CourseRecord, ModelState } from './model-state';
import { compareScored, ScoredNeighbour } from './neighbour-list';
import { tasteWeight } from './taste-profile';
import type { Recommendation, RecommendOptions, SimilarOptions } from './types';

/*
 * Answers from the precomputed lists: a request sums or reads neighbour scores and never computes
 * a similarity. Ties are broken by course id, so answers are deterministic.
 */

/**
 * Personalised recommendations: every course the user owns (`ownedCourseIds` plus the model's own
 * enrolments of the user) votes for its precomputed neighbours with their scores, weighted by its
 * place in the user's taste profile (completions and high ratings count more, low ratings less or
 * against; see taste-profile.ts); the sum ranks the candidates. With the hybrid strategy a share of
 * the list (`freshShare`) is kept for fresh courses — published, fewer than `freshEnrolments`
 * enrolments — whose text matches the profile, which co-enrolment cannot bring to anyone yet. Owned
 * and unpublished courses are never returned. When that yields fewer than `limit` items the rest is
 * filled by popularity, in the categories of the user's courses first, then overall.
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
  const signals = state.signals.get(userId);
  const weights = sources.map((source) => tasteWeight(signals?.get(source.course.id)));

  const results: Recommendation[] = [];
  if (strategy !== 'popular' && size > 0) {
    const candidates = new Map<
      number,
      { score: number; source: CourseRecord; via: ScoredNeighbour; best: number }
    >();
    sources.forEach((source, at) => {
      const weight = weights[at];
      if (weight === 0) return;
      for (const neighbour of source[strategy].served) {
        if (excluded.has(neighbour.courseId) || !state.isListed(state.records[neighbour.index])) continue;
        // Unweighted sources add the plain score: without signals, scores are exactly as before.
        const vote = weight === 1 ? neighbour.score : weight * neighbour.score;
        const candidate = candidates.get(neighbour.index);
        if (!candidate) {
          candidates.set(neighbour.index, { score: vote, source, via: neighbour, best: vote });
        } else {
          candidate.score += vote;
          // Sources arrive in id order, so on a tie the first (smallest id) stays the reason.
          if (vote > candidate.best) {
            candidate.source = source;
            candidate.via = neighbour;
            candidate.best = vote;
          }
        }
      }
    });
    let ranked = [...candidates.values()]
      .filter((candidate) => candidate.score > 0 && candidate.best > 0)
      .map((candidate) => ({ ...candidate, courseId: candidate.via.courseId }))
      .sort(compareScored);
    // Fresh courses that earn a place on their own keep it; the reserve goes to the others.
    const reserve = strategy === 'hybrid' ? Math.round(size * state.options.freshShare) : 0;
    const placed = new Set(ranked.slice(0, size - reserve).map((candidate) => candidate.courseId));
    const fresh = reserve > 0 ? freshMatches(state, sources, weights, excluded, placed, reserve) : [];
    if (fresh.length > 0) {
      const freshIds = new Set(fresh.map((item) => item.target.course.id));
      ranked = ranked.filter((candidate) => !freshIds.has(candidate.courseId));
    }
    for (const candidate of ranked.slice(0, size - fresh.length)) {
      const target = state.records[candidate.via.index];
      const completed = signals?.get(candidate.source.course.id)?.completed === true;
      results.push(
        explainNeighbour(
          state,
          target,
          candidate.source,
          candidate.via,
          candidate.score,
          completed ? 'completed' : 'enrolled-in',
        ),
      );
    }
    // Reserved places spread through the list (for 10 items and 2 fresh: 4th and 8th).
    fresh.forEach((item, at) => {
      const position = Math.min(results.length, Math.round(((at + 1) * size) / (fresh.length + 1)));
      results.splice(position, 0, explainFresh(state, item.target, item.source, item.score));
    });
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
 * Cold start: the fresh courses (published, fewer than `freshEnrolments` enrolments) most similar
 * in text to the user's taste profile, at most `slots` of them, leaving out those `placed` in the
 * list on their own merit. Lists of one or two items reserve nothing (0.2 × 2 rounds to 0), 3 to 7
 * items one place, 8 to 12 two. The profile similarity of a course is the weighted mean of its
 * content similarity to the user's courses (the precomputed content lists: no similarity is
 * computed here); it must reach `freshMinSimilarity`. The reason names the owned course
 * contributing most.
 */
function freshMatches(
  state: ModelState,
  sources: readonly CourseRecord[],
  weights: readonly number[],
  excluded: ReadonlySet<string>,
  placed: ReadonlySet<string>,
  slots: number,
): { target: CourseRecord; source: CourseRecord; score: number }[] {
  const { freshEnrolments, freshMinSimilarity } = state.options;
  if (freshEnrolments === 0) return [];
  let totalWeight = 0;
  const found = new Map<number, { sum: number; source: CourseRecord; best: number }>();
  sources.forEach((source, at) => {
    const weight = weights[at];
    if (weight <= 0) return;
    totalWeight += weight;
    for (const neighbour of source.content.served) {
      const target = state.records[neighbour.index];
      if (
        target.enrolled >= freshEnrolments ||
        excluded.has(neighbour.courseId) ||
        placed.has(neighbour.courseId) ||
        !state.isListed(target)
      ) {
        continue;
      }
      // The fewer enrolments, the more room: a course's first learners fade it out of the reserve.
      const vote = weight * neighbour.content * (1 - target.enrolled / freshEnrolments);
      const entry = found.get(neighbour.index);
      if (!entry) found.set(neighbour.index, { sum: vote, source, best: vote });
      else {
        entry.sum += vote;
        if (vote > entry.best) {
          entry.source = source;
          entry.best = vote;
        }
      }
    }
  });
  if (totalWeight === 0) return [];
  return [...found]
    .map(([index, entry]) => ({
      target: state.records[index],
      source: entry.source,
      score: entry.sum / totalWeight,
      courseId: state.records[index].course.id,
    }))
    .filter((item) => item.score >= freshMinSimilarity)
    .sort(compareScored)
    .slice(0, slots);
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

import type { LearnerSignal } from './model-state';

/*
 * A learner's taste profile is the courses they own, each weighted by what they told about it
 * beyond enrolling: a completion strengthens it, a high rating strengthens it, a low rating
 * weakens it, and a 1-star rating turns it against its neighbours (their votes are subtracted).
 */

/** Weight of a course in its owner's profile by their rating (1..5); unrated courses weigh 1. */
export const RATING_WEIGHTS: Readonly<Record<number, number>> = { 1: -0.5, 2: 0.25, 3: 1, 4: 1.5, 5: 2 };

/** Factor of a completed course's weight. */
export const COMPLETION_WEIGHT = 1.5;

/** The weight of an owned course in the user's taste profile (1 for a plain enrolment). */
export function tasteWeight(signal: LearnerSignal | undefined): number {
  if (!signal) return 1;
  let weight = 1;
  if (signal.rating !== undefined) weight = RATING_WEIGHTS[Math.round(signal.rating)] ?? 1;
  if (signal.completed) weight *= weight > 0 ? COMPLETION_WEIGHT : 1;
  return weight;
}

/*
 * Seeded randomness for reproducible synthetic data: the same seed gives the same catalogue,
 * enrolments and request mix on every run, so figures from two runs compare like with like.
 */

export { SeededRandom } from '@coursehub/embedded';

/** Running sums of `weights`, for `SeededRandom.weightedIndex`. */
export function cumulativeWeights(weights: readonly number[]): Float64Array {
  const sums = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((weight, index) => {
    total += weight;
    sums[index] = total;
  });
  return sums;
}

/** Zipf weights 1/rank^exponent for ranks 1..count: a few very common items, a long tail. */
export function zipfWeights(count: number, exponent = 1): number[] {
  return Array.from({ length: count }, (_, rank) => 1 / (rank + 1) ** exponent);
}

import type { SparseVector } from './text-features';

/*
 * Similarity measures. Few enough lines that a linear-algebra dependency would cost more than it
 * saves; the sparse maps are the ones text-features.ts builds.
 */

/**
 * Dot product of two sparse vectors. Iterates the smaller map; when both maps have their keys in
 * ascending order (as text-features.ts builds them) the shared terms are summed in the same order
 * whichever way round the arguments are, so `dot(a, b)` and `dot(b, a)` are equal to the last bit.
 * The model relies on that to make incremental updates agree exactly with a full rebuild.
 */
export function dotProduct(a: SparseVector, b: SparseVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [term, weight] of small) {
    const other = large.get(term);
    if (other !== undefined) sum += weight * other;
  }
  return sum;
}

/**
 * Cosine of two binary vectors from their overlap: `|A ∩ B| / sqrt(|A| · |B|)`. For two courses,
 * A and B are the sets of users enrolled in each (columns of the user–course matrix).
 */
export function binaryCosine(overlap: number, sizeA: number, sizeB: number): number {
  return overlap === 0 ? 0 : overlap / Math.sqrt(sizeA * sizeB);
}

/** Jaccard index of two sets from their overlap: `|A ∩ B| / |A ∪ B|`. */
export function jaccardIndex(overlap: number, sizeA: number, sizeB: number): number {
  return overlap === 0 ? 0 : overlap / (sizeA + sizeB - overlap);
}

/**
 * Significance weight of a similarity resting on `support` observations: `support / (support + λ)`.
 * 1 when λ is 0.
 */
export function supportWeight(support: number, shrinkage: number): number {
  return shrinkage === 0 ? 1 : support / (support + shrinkage);
}

/** Terms two vectors share, strongest joint weight (`a[t] · b[t]`) first, ties by term. */
export function sharedTerms(a: SparseVector, b: SparseVector, limit: number): string[] {
  const shared: { term: string; weight: number }[] = [];
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const [term, weight] of small) {
    const other = large.get(term);
    if (other !== undefined) shared.push({ term, weight: weight * other });
  }
  shared.sort((x, y) => y.weight - x.weight || (x.term < y.term ? -1 : x.term > y.term ? 1 : 0));
  return shared.slice(0, limit).map((entry) => entry.term);
}

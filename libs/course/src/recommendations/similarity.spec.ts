import { binaryCosine, dotProduct, jaccardIndex, sharedTerms, supportWeight } from './similarity';

/*
 * Hand-computed example. Four users, four courses:
 *
 *          A  B  C  D
 *   u1     1  1  .  .
 *   u2     1  1  1  .
 *   u3     .  1  1  .
 *   u4     1  .  .  1
 *
 * Course columns: A = {u1,u2,u4} (3), B = {u1,u2,u3} (3), C = {u2,u3} (2), D = {u4} (1).
 *   A·B: overlap 2 → cosine 2/√(3·3) = 0.666667, Jaccard 2/(3+3−2) = 0.5
 *   A·C: overlap 1 → cosine 1/√(3·2) = 0.408248, Jaccard 1/(3+2−1) = 0.25
 *   B·C: overlap 2 → cosine 2/√(3·2) = 0.816497, Jaccard 2/(3+2−2) = 0.666667
 *   A·D: overlap 1 → cosine 1/√(3·1) = 0.577350, Jaccard 1/(3+1−1) = 0.333333
 *   B·D: overlap 0 → 0 and 0
 */
const columns = {
  A: new Set(['u1', 'u2', 'u4']),
  B: new Set(['u1', 'u2', 'u3']),
  C: new Set(['u2', 'u3']),
  D: new Set(['u4']),
};

/** The measures from explicit user sets, as the model gets them from its co-enrolment counts. */
const overlap = (a: ReadonlySet<string>, b: ReadonlySet<string>) =>
  [...a].filter((user) => b.has(user)).length;
const setCosine = (a: ReadonlySet<string>, b: ReadonlySet<string>) =>
  binaryCosine(overlap(a, b), a.size, b.size);
const setJaccard = (a: ReadonlySet<string>, b: ReadonlySet<string>) =>
  jaccardIndex(overlap(a, b), a.size, b.size);

describe('co-enrolment similarity', () => {
  it.each([
    ['A', 'B', 0.666667, 0.5],
    ['A', 'C', 0.408248, 0.25],
    ['B', 'C', 0.816497, 0.666667],
    ['A', 'D', 0.57735, 0.333333],
    ['B', 'D', 0, 0],
  ] as const)('%s·%s: cosine %s, Jaccard %s', (x, y, cosine, jaccard) => {
    expect(setCosine(columns[x], columns[y])).toBeCloseTo(cosine, 6);
    expect(setCosine(columns[y], columns[x])).toBeCloseTo(cosine, 6);
    expect(setJaccard(columns[x], columns[y])).toBeCloseTo(jaccard, 6);
  });

  it('computes the same from overlap counts', () => {
    expect(binaryCosine(2, 3, 3)).toBeCloseTo(2 / 3, 12);
    expect(jaccardIndex(1, 3, 2)).toBe(0.25);
    expect(binaryCosine(0, 0, 5)).toBe(0);
    expect(jaccardIndex(0, 0, 0)).toBe(0);
  });

  it('shrinks by support: n / (n + λ)', () => {
    expect(supportWeight(2, 3)).toBe(0.4);
    expect(supportWeight(1, 3)).toBe(0.25);
    expect(supportWeight(30, 3)).toBeCloseTo(0.909091, 6);
    expect(supportWeight(1, 0)).toBe(1);
  });
});

/** Cosine from dot products: what the model's dot product of two L2-normalised vectors equals. */
function cosineSimilarity(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  const norms = Math.sqrt(dotProduct(a, a)) * Math.sqrt(dotProduct(b, b));
  return norms === 0 ? 0 : dotProduct(a, b) / norms;
}

describe('sparse vectors', () => {
  // a = (x: 1, y: 2, z: 2), b = (y: 3, w: 4): a·b = 6, |a| = 3, |b| = 5, cosine = 6/15 = 0.4
  const a = new Map([
    ['x', 1],
    ['y', 2],
    ['z', 2],
  ]);
  const b = new Map([
    ['w', 4],
    ['y', 3],
  ]);

  it('computes dot product and cosine', () => {
    expect(dotProduct(a, b)).toBe(6);
    expect(cosineSimilarity(a, b)).toBeCloseTo(0.4, 12);
    expect(cosineSimilarity(a, a)).toBeCloseTo(1, 12);
    expect(cosineSimilarity(a, new Map())).toBe(0);
  });

  it('lists shared terms by joint weight, ties by term', () => {
    const c = new Map([
      ['x', 4],
      ['y', 1],
      ['z', 1],
    ]);
    // joint weights: x 1·4 = 4, y 2·1 = 2, z 2·1 = 2
    expect(sharedTerms(a, c, 3)).toEqual(['x', 'y', 'z']);
    expect(sharedTerms(a, c, 1)).toEqual(['x']);
    expect(sharedTerms(a, b, 3)).toEqual(['y']);
  });
});

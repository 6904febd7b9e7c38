import { RecommendationModel } from './recommendation-model';
import {
  catalogue,
  course,
  enrolments,
  ids,
  neighboursOf,
  platformEnrolments,
} from './sample-catalogue.fixture';

describe('RecommendationModel — collaborative maths', () => {
  /*
   * The matrix of similarity.spec.ts (users × courses, 1 = enrolled):
   *        A  B  C  D
   *   u1   1  1  .  .
   *   u2   1  1  1  .
   *   u3   .  1  1  .
   *   u4   1  .  .  1
   * Cosines: A·B 0.666667 (support 2), A·D 0.577350 (1), A·C 0.408248 (1), B·C 0.816497 (2).
   * Hybrid with collaborativeWeight 1, contentWeight 0, λ = 3 scales each by n/(n+3):
   *   A·B 0.4 · 0.666667 = 0.266667, A·D 0.25 · 0.577350 = 0.144338, A·C 0.25 · 0.408248 = 0.102062,
   *   B·C 0.4 · 0.816497 = 0.326599.
   */
  const noText = { title: 0, summary: 0, description: 0, tags: 0 };
  /** A collaborative recommendation of `courseId`, scored `score` (to 6 places), because of course `via`. */
  const collaborative = (courseId: string, score: number, reason: string, kind: string, via: string) => ({
    courseId,
    score: expect.closeTo(score, 6),
    source: 'collaborative',
    reason,
    because: { kind, courseId: via, title: `Course ${via}` },
  });
  const data = {
    courses: ['A', 'B', 'C', 'D'].map((id) => course(id, { title: `Course ${id}` })),
    enrolments: enrolments({ u1: ['A', 'B'], u2: ['A', 'B', 'C'], u3: ['B', 'C'], u4: ['A', 'D'] }),
  };

  it('ranks collaborative neighbours by cosine of co-enrolment vectors', () => {
    const model = RecommendationModel.build(data, { fieldWeights: noText });
    const neighbours = neighboursOf(model, 'A', 'collaborative');
    expect(ids(neighbours)).toEqual(['B', 'D', 'C']);
    expect(neighbours.map((n) => n.score)).toEqual([
      expect.closeTo(0.666667, 6),
      expect.closeTo(0.57735, 6),
      expect.closeTo(0.408248, 6),
    ]);
    // The support (users enrolled in both) the model counted, read back from the shrinkage it
    // applies in the hybrid score: hybrid / collaborative = n / (n + λ), so n = λ·r / (1 − r).
    const shrunk = RecommendationModel.build(data, {
      fieldWeights: noText,
      collaborativeWeight: 1,
      contentWeight: 0,
      supportShrinkage: 3,
    });
    const ratios = neighboursOf(shrunk, 'A', 'hybrid').map((n, i) => n.score / neighbours[i].score);
    expect(ratios.map((ratio) => (3 * ratio) / (1 - ratio))).toEqual([
      expect.closeTo(2, 9),
      expect.closeTo(1, 9),
      expect.closeTo(1, 9),
    ]);
    // D's one neighbour, wholly by co-enrolment (no text): a collaborative item, no popularity needed.
    expect(neighboursOf(model, 'D', 'collaborative')).toEqual([
      collaborative('A', 0.57735, 'often taken with Course D', 'taken-with', 'D'),
    ]);
  });

  it('uses Jaccard when asked: A·B 0.5, A·D 0.333333, A·C 0.25', () => {
    const model = RecommendationModel.build(data, { fieldWeights: noText, collaborativeMeasure: 'jaccard' });
    expect(neighboursOf(model, 'A', 'collaborative').map((n) => [n.courseId, n.score])).toEqual([
      ['B', 0.5],
      ['D', expect.closeTo(1 / 3, 12)],
      ['C', 0.25],
    ]);
  });

  it('shrinks the collaborative weight of pairs with little support', () => {
    const model = RecommendationModel.build(data, {
      fieldWeights: noText,
      collaborativeWeight: 1,
      contentWeight: 0,
      supportShrinkage: 3,
    });
    expect(neighboursOf(model, 'A', 'hybrid').map((n) => [n.courseId, n.score])).toEqual([
      ['B', expect.closeTo(0.266667, 6)],
      ['D', expect.closeTo(0.144338, 6)],
      ['C', expect.closeTo(0.102062, 6)],
    ]);
  });

  it('sums neighbour scores over the user’s courses: C = 0.102062 (via A) + 0.326599 (via B)', () => {
    const model = RecommendationModel.build(data, {
      fieldWeights: noText,
      collaborativeWeight: 1,
      contentWeight: 0,
    });
    const recommendations = model.recommendForUser('u1', ['A', 'B'], 2);
    expect(recommendations).toEqual([
      // B contributes more than A.
      collaborative('C', 0.428661, 'because you enrolled in Course B', 'enrolled-in', 'B'),
      collaborative('D', 0.144338, 'because you enrolled in Course A', 'enrolled-in', 'A'),
    ]);
  });
});

describe('RecommendationModel — options', () => {
  it.each([
    { neighbours: 0 },
    { neighbours: 2.5 },
    { collaborativeWeight: -1 },
    { collaborativeWeight: 0, contentWeight: 0 },
    { supportShrinkage: Number.NaN },
    { fieldWeights: { tags: -2 } },
    { reasonTerms: 0 },
  ])('rejects %j', (options) => {
    expect(() => RecommendationModel.build({ courses: [], enrolments: [] }, options)).toThrow(RangeError);
  });

  it('ignores enrolments of unknown courses and counts them', () => {
    const model = RecommendationModel.build({
      courses: catalogue,
      enrolments: [...platformEnrolments, { userId: 'u1', courseId: 'gone' }],
    });
    expect(model.stats()).toMatchObject({ ignoredEnrolments: 1, enrolments: platformEnrolments.length });
  });
});

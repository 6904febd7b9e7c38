import { RecommendationModel } from './recommendation-model';
import { course, ids, neighboursOf } from './sample-catalogue.fixture';
import { dotProduct } from './similarity';
import { truncateVector } from './text-features';

describe('truncateVector', () => {
  const vector = new Map([
    ['alpha', 0.1],
    ['beta', 0.7],
    ['delta', 0.5],
    ['gamma', 0.5],
  ]);

  it('keeps the heaviest terms (ties by term), keys ascending, weights as they were', () => {
    const kept = truncateVector(vector, 3, () => false);
    expect([...kept]).toEqual([
      ['beta', 0.7],
      ['delta', 0.5],
      ['gamma', 0.5],
    ]);
    // Not renormalised: the dot product of truncated vectors is the part of the cosine they carry.
    expect(dotProduct(kept, vector)).toBeLessThan(dotProduct(vector, vector));
  });

  it('leaves out common terms before choosing', () => {
    expect([...truncateVector(vector, 2, (term) => term === 'beta').keys()]).toEqual(['delta', 'gamma']);
    expect(truncateVector(vector, 10, () => false)).toBe(vector);
  });
});

describe('RecommendationModel — content index', () => {
  it('does not index a term most of a large catalogue shares', () => {
    // 300 courses all say "programming"; pairs also share a word of their own.
    const courses = Array.from({ length: 300 }, (_, i) =>
      course(`c${String(i).padStart(3, '0')}`, { title: `programming topic${Math.floor(i / 2)}` }),
    );
    const model = RecommendationModel.build({ courses, enrolments: [] });
    // 150 pair words, and not "programming" (in 300 > max(200, 10 % of 300) courses).
    expect(model.stats().vocabulary).toBe(150);
    expect(ids(neighboursOf(model, 'c000', 'content'))).toEqual(['c001']);
    // With a higher share it is indexed, and every course becomes a content candidate.
    const everything = RecommendationModel.build({ courses, enrolments: [] }, { commonTermShare: 1 });
    expect(everything.stats().vocabulary).toBe(151);
    expect(neighboursOf(everything, 'c000', 'content')).toHaveLength(50);
  });

  it('compares courses by their heaviest terms only', () => {
    const courses = [
      course('a', { title: 'kafka streams', description: 'ledger' }),
      course('b', { title: 'kafka streams', description: 'ledger' }),
      course('c', { title: 'ledger', description: 'ledger' }),
    ];
    const full = RecommendationModel.build({ courses, enrolments: [] });
    expect(ids(neighboursOf(full, 'c', 'content'))).toEqual(['a', 'b']);
    // One term per course: a and b keep "kafka" or "streams", c keeps "ledger": nothing in common.
    const truncated = RecommendationModel.build({ courses, enrolments: [] }, { indexedTerms: 1 });
    expect(neighboursOf(truncated, 'c', 'content')).toEqual([]);
    expect(ids(neighboursOf(truncated, 'a', 'content'))).toEqual(['b']);
  });

  it('rejects unusable index options', () => {
    for (const options of [{ indexedTerms: 0 }, { commonTermShare: 0 }, { commonTermShare: 1.5 }]) {
      expect(() => RecommendationModel.build({ courses: [], enrolments: [] }, options)).toThrow(RangeError);
    }
  });
});

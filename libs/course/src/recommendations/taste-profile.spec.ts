import { RecommendationModel } from './recommendation-model';
import { course, enrolments, ids } from './sample-catalogue.fixture';
import { tasteWeight } from './taste-profile';
import type { CourseFeatures } from './types';

/*
 * Cold start and the taste profile: a course nobody has taken yet reaches the learners whose
 * courses its text matches, and ratings and completions change how much each owned course counts.
 */

/** Courses per topic: more than a list of 10 holds, so a new course must earn its place. */
const PER_TOPIC = 14;

/** Two topics of established courses, taken together by their topic's learners. */
function topic(name: string, words: string[], tags: string[], category: string): CourseFeatures[] {
  return Array.from({ length: PER_TOPIC }, (_, index) =>
    course(`${name}-${index}`, {
      title: `${words[index % words.length]} ${words[(index + 1) % words.length]} ${index}`,
      summary: words.join(' '),
      tags,
      category,
    }),
  );
}

const data = topic(
  'db',
  ['postgresql', 'indexes', 'queries', 'transactions', 'replication', 'schemas'],
  ['databases', 'sql'],
  'Data',
);
const web = topic(
  'web',
  ['react', 'components', 'hooks', 'browser', 'css', 'layout'],
  ['frontend', 'javascript'],
  'Development',
);

/** Published today: nobody enrolled yet. */
const newDatabaseCourse = course('db-new', {
  title: 'PostgreSQL replication and indexes',
  summary: 'Replication, indexes, transactions and schemas for PostgreSQL queries',
  tags: ['databases', 'sql', 'postgresql'],
  category: 'Data',
});

const catalogue = [...data, ...web, newDatabaseCourse];

/** 40 learners per topic, each owning four of its courses (rotating), so co-enrolment is dense. */
const taken = enrolments(
  Object.fromEntries(
    ['db', 'web'].flatMap((name) =>
      Array.from({ length: 40 }, (_, learner) => [
        `${name}-learner-${learner}`,
        [0, 1, 3, 7].map((offset) => `${name}-${(learner + offset) % PER_TOPIC}`),
      ]),
    ),
  ),
);

describe('cold start: a course with no enrolments reaches matching learners', () => {
  const model = RecommendationModel.build({ courses: catalogue, enrolments: taken });

  it('puts the new course in the top 10 of a learner whose courses its text matches', () => {
    expect(ids(model.recommendForUser('db-learner-0', [], 10))).toContain('db-new');
  });

  it('keeps it a reserved place, with a reason, when established courses would fill the list', () => {
    // With almost no weight on text in the blend, only the reserve can bring the new course.
    const textLight = { contentWeight: 0.001 };
    const withReserve = RecommendationModel.build({ courses: catalogue, enrolments: taken }, textLight);
    const withoutReserve = RecommendationModel.build(
      { courses: catalogue, enrolments: taken },
      { ...textLight, freshShare: 0 },
    );
    expect(ids(withoutReserve.recommendForUser('db-learner-0', [], 10))).not.toContain('db-new');
    const list = withReserve.recommendForUser('db-learner-0', [], 10);
    const item = list.find((entry) => entry.courseId === 'db-new');
    expect(item).toMatchObject({
      source: 'content',
      because: { kind: 'new-match', courseId: expect.any(String) },
    });
    expect(item!.reason).toMatch(/^new: matches your interest in /);
    expect(item!.because.kind === 'new-match' && item!.because.terms.length).toBeGreaterThan(0);
    // One fresh match: placed mid-list (6th of 10) among established courses, not as a popularity fill.
    expect(list.indexOf(item!)).toBe(5);
    expect(list.slice(4).some((entry) => entry.source === 'collaborative')).toBe(true);
  });

  it('does not match it to learners of another topic, and co-enrolment alone never brings it', () => {
    // Those lists run out of candidates and are filled by popularity, where a new course may appear.
    const reasonOf = (list: ReturnType<typeof model.recommendForUser>) =>
      list.find((entry) => entry.courseId === 'db-new')?.because.kind ?? 'absent';
    expect(['popular', 'absent']).toContain(reasonOf(model.recommendForUser('web-learner-0', [], 10)));
    expect(['popular', 'absent']).toContain(
      reasonOf(model.recommendForUser('db-learner-0', [], 10, { strategy: 'collaborative' })),
    );
  });

  it('reaches a new user from the courses the caller says they own', () => {
    expect(ids(model.recommendForUser('someone-new', ['db-0', 'db-3'], 10))).toContain('db-new');
  });

  it('keeps the places only while the course is fresh, and none in lists of one or two', () => {
    expect(ids(model.recommendForUser('db-learner-0', [], 2))).not.toContain('db-new');
    const established = RecommendationModel.build({
      courses: catalogue,
      enrolments: [...taken, ...['a', 'b', 'c'].map((userId) => ({ userId, courseId: 'db-new' }))],
    });
    const item = established
      .recommendForUser('db-learner-0', [], 10)
      .find((entry) => entry.courseId === 'db-new');
    // Three enrolments (freshEnrolments 2): no reserved place any more; at most a regular neighbour.
    expect(item?.because.kind).not.toBe('new-match');
    const disabled = RecommendationModel.build({ courses: catalogue, enrolments: taken }, { freshShare: 0 });
    expect(
      disabled.recommendForUser('db-learner-0', [], 10).find((entry) => entry.courseId === 'db-new')?.because
        .kind,
    ).not.toBe('new-match');
  });

  it('rejects bad fresh options', () => {
    expect(() => RecommendationModel.build({ courses: [], enrolments: [] }, { freshShare: 2 })).toThrow(
      RangeError,
    );
    expect(() => RecommendationModel.build({ courses: [], enrolments: [] }, { freshEnrolments: -1 })).toThrow(
      RangeError,
    );
    expect(() =>
      RecommendationModel.build({ courses: [], enrolments: [] }, { freshMinSimilarity: -0.1 }),
    ).toThrow(RangeError);
  });
});

describe('taste profile: ratings and completions', () => {
  it('weighs courses: high ratings and completions strengthen, low ratings weaken or turn against', () => {
    expect(tasteWeight(undefined)).toBe(1);
    expect(tasteWeight({ rating: 5 })).toBeGreaterThan(tasteWeight({ rating: 4 }));
    expect(tasteWeight({ rating: 4 })).toBeGreaterThan(1);
    expect(tasteWeight({ rating: 3 })).toBe(1);
    expect(tasteWeight({ rating: 2 })).toBeLessThan(1);
    expect(tasteWeight({ rating: 1 })).toBeLessThan(0);
    expect(tasteWeight({ completed: true })).toBeGreaterThan(1);
    expect(tasteWeight({ completed: true, rating: 5 })).toBeGreaterThan(tasteWeight({ rating: 5 }));
    expect(tasteWeight({ completed: true, rating: 1 })).toBe(tasteWeight({ rating: 1 }));
  });

  /** A learner of both topics: one course of each. */
  const build = () =>
    RecommendationModel.build({
      courses: catalogue,
      enrolments: [...taken, { userId: 'both', courseId: 'db-0' }, { userId: 'both', courseId: 'web-0' }],
    });
  const topicOfFirst = (model: RecommendationModel) =>
    model
      .recommendForUser('both', [], 4)
      .map((item) => item.courseId.split('-')[0])
      .join(',');

  it('a high rating pulls the list towards the course, a low one away from it', () => {
    const model = build();
    model.setRating('both', 'db-0', 5);
    model.setRating('both', 'web-0', 2);
    expect(topicOfFirst(model)).toBe('db,db,db,db');
    model.setRating('both', 'db-0', 1);
    model.setRating('both', 'web-0', 5);
    expect(topicOfFirst(model)).toBe('web,web,web,web');
  });

  it('a 1-star course no longer brings its own neighbours', () => {
    const model = RecommendationModel.build({
      courses: catalogue,
      enrolments: [...taken, { userId: 'solo', courseId: 'db-0' }],
    });
    expect(model.recommendForUser('solo', [], 4).every((item) => item.source !== 'popular')).toBe(true);
    model.setRating('solo', 'db-0', 1);
    expect(model.recommendForUser('solo', [], 4).every((item) => item.source === 'popular')).toBe(true);
  });

  it('withdrawing a rating gives exactly the scores without it', () => {
    const model = build();
    const before = model.recommendForUser('both', [], 10);
    model.setRating('both', 'web-0', 5);
    expect(model.recommendForUser('both', [], 10)).not.toEqual(before);
    model.removeRating('both', 'web-0');
    expect(model.recommendForUser('both', [], 10)).toEqual(before);
  });

  it('explains items brought by a completed course: "because you completed <title>"', () => {
    const model = build();
    model.loadSignals([{ userId: 'both', courseId: 'web-0', completed: true }]);
    const items = model.recommendForUser('both', [], 10);
    const viaWeb = items.filter((item) => item.because.kind === 'completed');
    expect(viaWeb.length).toBeGreaterThan(0);
    expect(viaWeb[0].reason).toBe(`because you completed ${catalogue.find((c) => c.id === 'web-0')!.title}`);
    expect(
      items.some((item) => item.because.kind === 'enrolled-in' && item.because.courseId === 'db-0'),
    ).toBe(true);
    // Completion strengthens: web courses now come first.
    expect(items[0].courseId.startsWith('web')).toBe(true);
  });
});

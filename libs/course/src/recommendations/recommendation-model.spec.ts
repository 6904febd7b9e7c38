import { RecommendationModel } from './recommendation-model';
import type { CourseFeatures, Enrolment, NeighbourKind, RecommendationStrategy } from './types';

function course(id: string, overrides: Partial<CourseFeatures> = {}): CourseFeatures {
  return { id, title: id, tags: [], category: 'General', status: 'published', ...overrides };
}

function enrolments(byUser: Record<string, string[]>): Enrolment[] {
  return Object.entries(byUser).flatMap(([userId, courseIds]) =>
    courseIds.map((courseId) => ({ userId, courseId })),
  );
}

const ids = (items: readonly { courseId: string }[]) => items.map((item) => item.courseId);

/** A small catalogue with text, categories, a draft and an archived course. */
const catalogue: CourseFeatures[] = [
  course('sql', {
    title: 'Intro to SQL',
    summary: 'Queries, joins and indexes in PostgreSQL',
    tags: ['sql', 'databases'],
    category: 'Data',
  }),
  course('pg', {
    title: 'PostgreSQL Performance',
    summary: 'Indexes, query plans and tuning for PostgreSQL databases',
    tags: ['postgresql', 'databases', 'performance'],
    category: 'Data',
  }),
  course('ml', {
    title: 'Machine Learning Basics',
    summary: 'Regression and classification with Python',
    tags: ['machine-learning', 'python'],
    category: 'Data',
  }),
  course('py', {
    title: 'Python for Beginners',
    summary: 'Variables, functions and loops in Python',
    tags: ['python', 'programming'],
    category: 'Development',
  }),
  course('react', {
    title: 'React Fundamentals',
    summary: 'Components, hooks and state',
    tags: ['react', 'javascript', 'frontend'],
    category: 'Development',
  }),
  course('figma', {
    title: 'Figma for UI',
    summary: 'Frames and auto layout',
    tags: ['figma'],
    category: 'Design',
  }),
  course('ux', {
    title: 'User Research Methods',
    summary: 'Interviews and surveys',
    tags: ['research'],
    category: 'Design',
  }),
  course('nosql', {
    title: 'Databases beyond SQL',
    summary: 'MongoDB and Redis for PostgreSQL users',
    tags: ['databases', 'nosql'],
    category: 'Data',
  }),
  course('draft', {
    title: 'SQL Window Functions',
    tags: ['sql', 'databases'],
    category: 'Data',
    status: 'draft',
  }),
  course('old', {
    title: 'Legacy SQL Server',
    tags: ['sql', 'databases'],
    category: 'Data',
    status: 'archived',
  }),
];

const platformEnrolments = enrolments({
  u1: ['sql', 'pg', 'old'],
  u2: ['sql', 'pg', 'old'],
  u3: ['sql', 'ml', 'py'],
  u4: ['py', 'ml'],
  u5: ['react', 'py'],
  u6: ['react'],
  u7: ['sql', 'old'],
});

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
  const data = {
    courses: ['A', 'B', 'C', 'D'].map((id) => course(id, { title: `Course ${id}` })),
    enrolments: enrolments({ u1: ['A', 'B'], u2: ['A', 'B', 'C'], u3: ['B', 'C'], u4: ['A', 'D'] }),
  };

  it('ranks collaborative neighbours by cosine of co-enrolment vectors', () => {
    const model = RecommendationModel.build(data, { fieldWeights: noText });
    const neighbours = model.neighbours('A', 'collaborative');
    expect(ids(neighbours)).toEqual(['B', 'D', 'C']);
    expect(neighbours.map((n) => n.score)).toEqual([
      expect.closeTo(0.666667, 6),
      expect.closeTo(0.57735, 6),
      expect.closeTo(0.408248, 6),
    ]);
    expect(neighbours.map((n) => n.support)).toEqual([2, 1, 1]);
    expect(model.neighbours('D', 'collaborative')).toEqual([
      {
        courseId: 'A',
        score: expect.closeTo(0.57735, 6),
        collaborative: expect.closeTo(0.57735, 6),
        content: 0,
        support: 1,
      },
    ]);
  });

  it('uses Jaccard when asked: A·B 0.5, A·D 0.333333, A·C 0.25', () => {
    const model = RecommendationModel.build(data, { fieldWeights: noText, collaborativeMeasure: 'jaccard' });
    expect(model.neighbours('A', 'collaborative').map((n) => [n.courseId, n.score])).toEqual([
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
    expect(model.neighbours('A', 'hybrid').map((n) => [n.courseId, n.score])).toEqual([
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
      {
        courseId: 'C',
        score: expect.closeTo(0.428661, 6),
        source: 'collaborative',
        reason: 'because you enrolled in Course B', // B contributes more than A
        because: { kind: 'enrolled-in', courseId: 'B', title: 'Course B' },
      },
      {
        courseId: 'D',
        score: expect.closeTo(0.144338, 6),
        source: 'collaborative',
        reason: 'because you enrolled in Course A',
        because: { kind: 'enrolled-in', courseId: 'A', title: 'Course A' },
      },
    ]);
  });
});

describe('RecommendationModel — what is never recommended', () => {
  const model = RecommendationModel.build({ courses: catalogue, enrolments: platformEnrolments });
  const users = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'stranger'];
  const strategies: RecommendationStrategy[] = ['hybrid', 'collaborative', 'content', 'popular'];
  const byUser = Object.fromEntries(
    users.map((user) => [user, platformEnrolments.filter((e) => e.userId === user).map((e) => e.courseId)]),
  );

  it.each(strategies)('%s: never an owned, draft or archived course', (strategy) => {
    for (const user of users) {
      const recommended = ids(model.recommendForUser(user, byUser[user], 20, { strategy }));
      expect(recommended.length).toBeGreaterThan(0);
      for (const id of recommended) {
        expect(byUser[user]).not.toContain(id);
        expect(['draft', 'old']).not.toContain(id);
      }
      expect(new Set(recommended).size).toBe(recommended.length);
    }
  });

  it('excludes what the caller says the user owns even if the model has not seen it', () => {
    expect(ids(model.recommendForUser('u6', ['sql', 'pg'], 20))).not.toEqual(expect.arrayContaining(['sql']));
    expect(ids(model.recommendForUser('u6', ['sql', 'pg'], 20))).not.toContain('pg');
    // ...and what the model knows the user owns even if the caller does not pass it.
    expect(ids(model.recommendForUser('u6', [], 20))).not.toContain('react');
  });

  it('similarTo never returns the course itself, drafts or archived courses', () => {
    for (const { id } of catalogue) {
      const similar = ids(model.similarTo(id, 20));
      expect(similar).not.toContain(id);
      expect(similar).not.toContain('draft');
      expect(similar).not.toContain('old');
    }
    expect(ids(model.similarTo('sql', 20, { exclude: ['pg'] }))).not.toContain('pg');
  });

  it('returns everything eligible when the limit exceeds it, nothing for limit 0', () => {
    // 8 published courses, the user owns 3 (one of them archived) → 6 left.
    expect(model.recommendForUser('u1', byUser.u1, 100)).toHaveLength(6);
    expect(model.recommendForUser('u1', byUser.u1, 0)).toEqual([]);
    expect(model.similarTo('sql', 0)).toEqual([]);
    expect(model.similarTo('unknown', 5)).toEqual([]);
  });
});

describe('RecommendationModel — cold start', () => {
  const model = RecommendationModel.build({ courses: catalogue, enrolments: platformEnrolments });

  it('gives a new user the most popular published courses, ties by id', () => {
    // Enrolments: sql 4, py 3, ml 2, pg 2, react 2, the rest 0 (old has 3 but is archived).
    expect(model.recommendForUser('stranger', [], 6)).toEqual([
      {
        courseId: 'sql',
        score: 0,
        source: 'popular',
        reason: 'popular in Data',
        because: { kind: 'popular', category: 'Data' },
      },
      {
        courseId: 'py',
        score: 0,
        source: 'popular',
        reason: 'popular in Development',
        because: { kind: 'popular', category: 'Development' },
      },
      expect.objectContaining({ courseId: 'ml', reason: 'popular in Data' }),
      expect.objectContaining({ courseId: 'pg', reason: 'popular in Data' }),
      expect.objectContaining({ courseId: 'react', reason: 'popular in Development' }),
      expect.objectContaining({ courseId: 'figma', reason: 'popular in Design' }),
    ]);
  });

  it('fills from the categories of the user’s courses first', () => {
    // figma shares no enrolment and no term with anything: its owner gets Design first, then overall.
    const recommendations = model.recommendForUser('designer', ['figma'], 3);
    expect(recommendations.map((r) => [r.courseId, r.reason])).toEqual([
      ['ux', 'popular in Design'],
      ['sql', 'popular in Data'],
      ['py', 'popular in Development'],
    ]);
  });

  it('tops up personalised items with popular ones', () => {
    const recommendations = model.recommendForUser('u6', ['react'], 4);
    expect(recommendations[0]).toMatchObject({ courseId: 'py', source: 'collaborative' });
    expect(recommendations.slice(1).map((r) => r.source)).toEqual(['popular', 'popular', 'popular']);
    // react is Development: the Development fill (py, already listed) is skipped, then overall.
    expect(ids(recommendations.slice(1))).toEqual(['sql', 'ml', 'pg']);
  });

  it('counts the catalogue enrolment counter when it exceeds what the model saw', () => {
    const withCounter = RecommendationModel.build({
      courses: catalogue.map((c) => (c.id === 'ux' ? { ...c, enrolmentCount: 50 } : c)),
      enrolments: platformEnrolments,
    });
    expect(ids(withCounter.popular(2))).toEqual(['ux', 'sql']);
    expect(ids(withCounter.popular(5, { category: 'Data', exclude: ['sql'] }))).toEqual([
      'ml',
      'pg',
      'nosql',
    ]);
  });
});

describe('RecommendationModel — reasons', () => {
  const model = RecommendationModel.build({ courses: catalogue, enrolments: platformEnrolments });

  it('names the owned course that contributes most: "because you enrolled in <title>"', () => {
    const [first] = model.recommendForUser('analyst', ['pg'], 1);
    expect(first).toMatchObject({
      courseId: 'sql',
      source: 'collaborative',
      reason: 'because you enrolled in PostgreSQL Performance',
      because: { kind: 'enrolled-in', courseId: 'pg', title: 'PostgreSQL Performance' },
    });
  });

  it('lists shared terms when text similarity drives the item: "similar topics: …"', () => {
    // nosql has no enrolments at all: only its text connects it to pg.
    const item = model.recommendForUser('analyst', ['pg'], 10).find((r) => r.courseId === 'nosql');
    expect(item).toBeDefined();
    expect(item!.source).toBe('content');
    expect(item!.because).toMatchObject({ kind: 'similar-topics', courseId: 'pg' });
    expect(item!.reason).toMatch(/^similar topics: /);
    // Terms appear in the form the course uses them (the tag "databases", not the stem "database").
    const terms = item!.because.kind === 'similar-topics' ? item!.because.terms : [];
    expect(terms).toEqual(expect.arrayContaining(['databases', 'postgresql']));
    expect(terms.length).toBeLessThanOrEqual(3);
    expect(item!.reason).toBe(`similar topics: ${terms.join(', ')}`);
  });

  it('explains similar courses by co-enrolment or by topic', () => {
    const similar = model.similarTo('pg', 3);
    expect(similar[0]).toMatchObject({ courseId: 'sql', reason: 'often taken with PostgreSQL Performance' });
    expect(similar[1]).toMatchObject({ courseId: 'nosql', source: 'content' });
    expect(similar[1].reason).toMatch(/^similar topics: .*databases/);
  });

  it('explains content-only recommendations by topic', () => {
    const items = model.recommendForUser('analyst', ['pg'], 3, { strategy: 'content' });
    expect(items.every((item) => item.source !== 'collaborative')).toBe(true);
    expect(items[0].reason).toMatch(/^similar topics: /);
  });
});

describe('RecommendationModel — ordering', () => {
  it('breaks ties by course id', () => {
    const text = { title: 'Rust ownership and borrowing', tags: ['rust'] };
    const model = RecommendationModel.build({
      courses: [course('t3', text), course('t1', text), course('t2', text), course('t0', text)],
      enrolments: [],
    });
    const similar = model.similarTo('t1', 3);
    expect(ids(similar)).toEqual(['t0', 't2', 't3']);
    expect(new Set(similar.map((s) => s.score)).size).toBe(1);
    expect(ids(model.popular(4))).toEqual(['t0', 't1', 't2', 't3']);
  });

  it('gives the same answer whatever order the owned courses are passed in', () => {
    const model = RecommendationModel.build({ courses: catalogue, enrolments: platformEnrolments });
    expect(model.recommendForUser('x', ['ml', 'pg', 'react'], 10)).toEqual(
      model.recommendForUser('x', ['react', 'ml', 'pg'], 10),
    );
  });
});

describe('RecommendationModel — incremental updates', () => {
  /** Deterministic LCG for the random stream of updates. */
  function lcg(seed: number): () => number {
    let state = seed;
    return () => {
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      return state / 2 ** 32;
    };
  }

  const vocabularies = [
    ['sql', 'query', 'index', 'join', 'postgres', 'schema'],
    ['python', 'pandas', 'regression', 'model', 'numpy', 'plot'],
    ['react', 'component', 'hooks', 'css', 'browser', 'state'],
  ];

  function syntheticCatalogue(random: () => number): CourseFeatures[] {
    return Array.from({ length: 30 }, (_, i) => {
      const vocabulary = vocabularies[i % 3];
      const pick = () => vocabulary[Math.floor(random() * vocabulary.length)];
      return course(`c${String(i).padStart(2, '0')}`, {
        title: `${pick()} ${pick()}`,
        description: Array.from({ length: 8 }, pick).join(' '),
        tags: [pick()],
        category: `cat${i % 3}`,
        status: i % 10 === 9 ? 'draft' : i % 10 === 8 ? 'archived' : 'published',
      });
    });
  }

  function expectSameAsRebuild(model: RecommendationModel): void {
    const data = model.exportData();
    const rebuilt = RecommendationModel.build(data, { neighbours: 3 });
    const kinds: NeighbourKind[] = ['collaborative', 'content', 'hybrid'];
    for (const { id } of data.courses) {
      for (const kind of kinds)
        expect([id, kind, model.neighbours(id, kind)]).toEqual([id, kind, rebuilt.neighbours(id, kind)]);
      expect(model.similarTo(id, 5)).toEqual(rebuilt.similarTo(id, 5));
    }
    const users = [...new Set(data.enrolments.map((e) => e.userId))];
    const strategies: RecommendationStrategy[] = ['hybrid', 'collaborative', 'content', 'popular'];
    for (const user of users) {
      for (const strategy of strategies) {
        expect(model.recommendForUser(user, [], 8, { strategy })).toEqual(
          rebuilt.recommendForUser(user, [], 8, { strategy }),
        );
      }
    }
    expect(model.popular(30)).toEqual(rebuilt.popular(30));
  }

  it('equals a full rebuild after a stream of enrolments, removals and status changes', () => {
    const random = lcg(42);
    const courses = syntheticCatalogue(random);
    const enrollable = courses.filter((c) => c.status !== 'draft');
    const stream: Enrolment[] = [];
    for (let u = 0; u < 60; u++) {
      const home = u % 3;
      const count = 1 + Math.floor(random() * 5);
      for (let k = 0; k < count; k++) {
        const pool = random() < 0.8 ? enrollable.filter((c) => c.category === `cat${home}`) : enrollable;
        stream.push({ userId: `u${u}`, courseId: pool[Math.floor(random() * pool.length)].id });
      }
    }
    // Small neighbour lists, so that truncation and recomputation are exercised.
    const model = RecommendationModel.build({ courses, enrolments: stream.slice(0, 80) }, { neighbours: 3 });
    for (const { userId, courseId } of stream.slice(80)) model.addEnrolment(userId, courseId);
    expectSameAsRebuild(model);

    for (const { userId, courseId } of stream.filter((_, i) => i % 4 === 0))
      model.removeEnrolment(userId, courseId);
    expectSameAsRebuild(model);

    // Status changes keep the text, hence the IDF, so they too must match a rebuild exactly.
    model.upsertCourse({ ...courses[0], status: 'archived' });
    model.upsertCourse({ ...courses[9], status: 'published' });
    model.upsertCourse({ ...courses[4], category: 'cat0' });
    for (const { userId, courseId } of stream.filter((_, i) => i % 4 === 0))
      model.addEnrolment(userId, courseId);
    expectSameAsRebuild(model);
  });

  it('reports whether an update changed anything', () => {
    const model = RecommendationModel.build({ courses: catalogue, enrolments: platformEnrolments });
    expect(model.addEnrolment('u1', 'sql')).toBe(false); // already enrolled
    expect(model.addEnrolment('u1', 'nope')).toBe(false); // unknown course
    expect(model.removeEnrolment('u1', 'react')).toBe(false);
    expect(model.addEnrolment('u9', 'figma')).toBe(true);
    expect(model.stats()).toMatchObject({ users: 8, enrolments: platformEnrolments.length + 1 });
    expect(model.removeEnrolment('u9', 'figma')).toBe(true);
    expect(model.stats()).toMatchObject({ users: 7, enrolments: platformEnrolments.length });
  });

  it('moves an item from popularity to co-enrolment as enrolments arrive', () => {
    const model = RecommendationModel.build({ courses: catalogue, enrolments: platformEnrolments });
    expect(model.recommendForUser('designer', ['figma'], 1)[0]).toMatchObject({
      courseId: 'ux',
      source: 'popular',
    });
    model.addEnrolment('d1', 'figma');
    model.addEnrolment('d1', 'react');
    model.addEnrolment('d2', 'figma');
    model.addEnrolment('d2', 'react');
    expect(model.recommendForUser('designer', ['figma'], 1)[0]).toMatchObject({
      courseId: 'react',
      reason: 'because you enrolled in Figma for UI',
    });
  });

  it('applies course edits to content neighbours, with the IDF of the last build', () => {
    const model = RecommendationModel.build({ courses: catalogue, enrolments: platformEnrolments });
    const contentNeighbours = (id: string) => ids(model.neighbours(id, 'content'));
    expect(contentNeighbours('react')).not.toContain('ux');
    model.upsertCourse(
      course('ux', { title: 'UX for React developers', tags: ['react', 'frontend'], category: 'Design' }),
    );
    expect(contentNeighbours('react')).toEqual(['ux']);
    expect(model.similarTo('react', 1, { strategy: 'content' })[0]).toMatchObject({
      courseId: 'ux',
      source: 'content',
    });
    model.upsertCourse(course('vue', { title: 'Vue for React developers', tags: ['vue', 'frontend'] }));
    expect(contentNeighbours('vue')).toEqual(['ux', 'react']);
    expect(model.stats()).toMatchObject({ courses: catalogue.length + 1, coursesUpsertedSinceBuild: 2 });

    model.upsertCourse(
      course('ux', { title: 'UX for React developers', tags: ['react'], status: 'archived' }),
    );
    expect(ids(model.similarTo('react', 10))).not.toContain('ux');
    expect(ids(model.popular(20))).not.toContain('ux');
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

import { RecommendationModel } from './recommendation-model';
import { catalogue, course, ids, platformEnrolments } from './sample-catalogue.fixture';
import type { RecommendationStrategy } from './types';

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
    // nosql has no enrolments at all: only its text connects it to pg (no places kept for fresh courses).
    const withoutReserve = RecommendationModel.build(
      { courses: catalogue, enrolments: platformEnrolments },
      { freshShare: 0 },
    );
    const item = withoutReserve.recommendForUser('analyst', ['pg'], 10).find((r) => r.courseId === 'nosql');
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

import { RecommendationModel } from './recommendation-model';
import { catalogue, course, ids, lcg, neighboursOf, platformEnrolments } from './sample-catalogue.fixture';
import type { CourseFeatures, Enrolment, RecommendationData, RecommendationStrategy } from './types';

describe('RecommendationModel — incremental updates', () => {
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

  const keyOf = (enrolment: Enrolment) => `${enrolment.userId}\u0000${enrolment.courseId}`;

  /**
   * A model and, beside it, the data it should now represent (the courses and active enrolments
   * the test gave it), which a full rebuild is made from.
   */
  class TrackedModel {
    readonly model: RecommendationModel;
    private readonly courses = new Map<string, CourseFeatures>();
    private readonly enrolments = new Map<string, Enrolment>();

    constructor(data: RecommendationData) {
      this.model = RecommendationModel.build(data, { neighbours: 3 });
      for (const course of data.courses) this.courses.set(course.id, course);
      for (const enrolment of data.enrolments) this.enrolments.set(keyOf(enrolment), enrolment);
    }

    addEnrolment(userId: string, courseId: string): void {
      this.model.addEnrolment(userId, courseId);
      if (this.courses.has(courseId)) this.enrolments.set(keyOf({ userId, courseId }), { userId, courseId });
    }

    removeEnrolment(userId: string, courseId: string): void {
      this.model.removeEnrolment(userId, courseId);
      this.enrolments.delete(keyOf({ userId, courseId }));
    }

    upsertCourse(course: CourseFeatures): void {
      this.model.upsertCourse(course);
      this.courses.set(course.id, course);
    }

    data(): RecommendationData {
      return { courses: [...this.courses.values()], enrolments: [...this.enrolments.values()] };
    }
  }

  function expectSameAsRebuild(tracked: TrackedModel): void {
    const { model } = tracked;
    const data = tracked.data();
    const rebuilt = RecommendationModel.build(data, { neighbours: 3 });
    expect(model.stats()).toMatchObject({
      courses: data.courses.length,
      enrolments: data.enrolments.length,
      coEnrolmentPairs: rebuilt.stats().coEnrolmentPairs,
    });
    const kinds = ['collaborative', 'content', 'hybrid'] as const;
    for (const { id } of data.courses) {
      for (const kind of kinds)
        expect([id, kind, neighboursOf(model, id, kind)]).toEqual([
          id,
          kind,
          neighboursOf(rebuilt, id, kind),
        ]);
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
    // Small neighbour lists (3, see TrackedModel), so that truncation and recomputation are exercised.
    const model = new TrackedModel({ courses, enrolments: stream.slice(0, 80) });
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
    const contentNeighbours = (id: string) => ids(neighboursOf(model, id, 'content'));
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

import { RecommendationModel } from './recommendation-model';
import { catalogue, course, platformEnrolments } from './sample-catalogue.fixture';
import type { RecommendationStrategy } from './types';

/** Every answer a model gives on the sample catalogue, for comparing two models. */
function answersOf(model: RecommendationModel) {
  const strategies: RecommendationStrategy[] = ['hybrid', 'collaborative', 'content', 'popular'];
  const users = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'stranger'];
  return {
    similar: catalogue.map(({ id }) =>
      (['hybrid', 'collaborative', 'content'] as const).map((strategy) =>
        model.similarTo(id, 20, { strategy }),
      ),
    ),
    forUser: users.map((user) =>
      strategies.map((strategy) => model.recommendForUser(user, [], 20, { strategy })),
    ),
    popular: model.popular(20),
    stats: model.stats(),
  };
}

describe('RecommendationModel — snapshots', () => {
  const options = { neighbours: 2 }; // short lists, so that kept beyond served and patching are in play

  it('restores a model that answers exactly as the one saved', () => {
    const model = RecommendationModel.build({ courses: catalogue, enrolments: platformEnrolments }, options);
    const restored = RecommendationModel.fromSnapshot(model.toSnapshot());
    expect(answersOf(restored)).toEqual(answersOf(model));
  });

  it('keeps updating exactly as the saved model would', async () => {
    const model = RecommendationModel.build({ courses: catalogue, enrolments: platformEnrolments }, options);
    model.upsertCourse(
      course('rust', { title: 'Rust for SQL people', tags: ['rust', 'sql'], category: 'Data' }),
    );
    const restored = await RecommendationModel.restore(model.toSnapshot(), 3);
    expect(restored.stats().coursesUpsertedSinceBuild).toBe(1);
    for (const target of [model, restored]) {
      target.addEnrolment('u9', 'rust');
      target.addEnrolment('u9', 'pg');
      target.removeEnrolment('u1', 'sql');
      target.upsertCourse({ ...catalogue[1], status: 'archived' });
      target.upsertCourse(course('go', { title: 'Go for databases', tags: ['go', 'databases'] }));
    }
    expect(answersOf(restored)).toEqual(answersOf(model));
  });

  it('refuses a snapshot of another format', () => {
    const snapshot = RecommendationModel.build({ courses: catalogue, enrolments: [] }).toSnapshot();
    const [header, ...rest] = snapshot.text.split('\n');
    const text = [JSON.stringify({ ...JSON.parse(header), version: 0 }), ...rest].join('\n');
    expect(() => RecommendationModel.fromSnapshot({ ...snapshot, text })).toThrow(/version 0/);
  });
});

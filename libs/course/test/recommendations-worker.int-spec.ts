import {
  buildInWorker,
  type CourseFeatures,
  type Enrolment,
  RecommendationModel,
  type RecommendationModelOptions,
} from '../src/recommendations';
import { lcg } from '../src/recommendations/sample-catalogue.fixture';

/*
 * The worker thread builds with the model code compiled like the rest (here from source, through
 * @swc-node/register in the worker; `dist/.../model-worker.js` in production) and hands back a
 * snapshot: the model restored from it must answer exactly as a model built on this thread.
 */

const VOCABULARIES = [
  'sql query index join postgres schema transaction replication',
  'python pandas regression model numpy plot notebook statistics',
  'react component hooks css browser state router bundler',
  'figma wireframe prototype typography colour layout persona research',
].map((words) => words.split(' '));

function catalogue(): { courses: CourseFeatures[]; enrolments: Enrolment[] } {
  const random = lcg(2026);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const courses: CourseFeatures[] = Array.from({ length: 120 }, (_, i) => {
    const words = VOCABULARIES[i % VOCABULARIES.length];
    return {
      id: `course-${String(i).padStart(3, '0')}`,
      title: `${pick(words)} ${pick(words)}`,
      summary: Array.from({ length: 6 }, () => pick(words)).join(' '),
      description: Array.from({ length: 20 }, () => pick(pick(VOCABULARIES))).join(' '),
      tags: [pick(words)],
      category: `category-${i % VOCABULARIES.length}`,
      status: i % 15 === 14 ? 'draft' : i % 15 === 13 ? 'archived' : 'published',
    };
  });
  const enrolments: Enrolment[] = [];
  for (let user = 0; user < 400; user++) {
    const home = user % VOCABULARIES.length;
    for (let k = 0, count = 1 + Math.floor(random() * 5); k < count; k++) {
      const index =
        random() < 0.8 ? home + VOCABULARIES.length * Math.floor(random() * 30) : Math.floor(random() * 120);
      enrolments.push({ userId: `user-${user}`, courseId: courses[index].id });
    }
  }
  return { courses, enrolments };
}

function answersOf(model: RecommendationModel, data: ReturnType<typeof catalogue>) {
  const users = [...new Set(data.enrolments.map((enrolment) => enrolment.userId))].slice(0, 100);
  const { builtAt: _builtAt, ...stats } = model.stats();
  return {
    stats,
    similar: data.courses.map(({ id }) =>
      (['hybrid', 'collaborative', 'content'] as const).map((strategy) =>
        model.similarTo(id, 10, { strategy }),
      ),
    ),
    forUser: users.map((user) => model.recommendForUser(user, [], 10)),
    popular: model.popular(30),
  };
}

describe('building the recommendation model in a worker thread', () => {
  const data = catalogue();

  it.each<[string, RecommendationModelOptions]>([
    ['default options', {}],
    ['short lists and few indexed terms', { neighbours: 3, indexedTerms: 4 }],
  ])('gives the same model as a build on this thread (%s)', async (_, options) => {
    const { snapshot, figures } = await buildInWorker(data, options).result;
    const fromWorker = await RecommendationModel.restore(snapshot);
    const inThread = RecommendationModel.build(data, options);
    expect(answersOf(fromWorker, data)).toEqual(answersOf(inThread, data));
    expect(fromWorker.stats().courses).toBe(120);
    expect(figures.buildMs).toBeGreaterThan(0);
    expect(figures.heapUsedBytes).toBeGreaterThan(0);

    // ... and both keep updating alike.
    for (const model of [fromWorker, inThread]) {
      model.addEnrolment('user-new', 'course-000');
      model.addEnrolment('user-new', 'course-004');
      model.removeEnrolment('user-1', data.enrolments.find((e) => e.userId === 'user-1')!.courseId);
      model.upsertCourse({ ...data.courses[8], title: 'postgres replication', status: 'published' });
    }
    expect(answersOf(fromWorker, data)).toEqual(answersOf(inThread, data));
  });

  it('fails the build, not the process, when the worker cannot finish', async () => {
    const build = buildInWorker(data);
    await build.terminate();
    await expect(build.result).rejects.toThrow(/exited/);
  });
});

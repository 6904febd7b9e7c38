import { RecommendationModel } from '@coursehub/course/recommendations';
import { performance } from 'node:perf_hooks';
import { Benchmark, Figure, latencyFigures } from './support/figures';
import { SeededRandom } from './support/random';
import { syntheticCatalogue } from './support/synthetic-catalogue';

/*
 * The pure recommendation model (libs/course/src/recommendations), without Nest or a database:
 * full build time, heap held by the built model, and the latency of the calls a request or an
 * event makes. The build is quadratic in the courses that share a term, so the 10 000-course size
 * (≈ 2 minutes here) only runs with `--large`.
 */

interface Size {
  courses: number;
  enrolments: number;
}

const DEFAULT_SIZES: Size[] = [
  { courses: 1_000, enrolments: 10_000 },
  { courses: 1_000, enrolments: 100_000 },
  { courses: 3_000, enrolments: 30_000 },
];
const LARGE_SIZE: Size = { courses: 10_000, enrolments: 100_000 };
const QUERIES = 2_000;
const ENROLMENT_UPDATES = 300;
const COURSE_UPDATES = 50;
const LIMIT = 10;

const collectGarbage: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/** Heap in use, after a full collection when the process runs with --expose-gc. */
function heapUsedBytes(): number {
  if (collectGarbage) {
    collectGarbage();
    collectGarbage();
  }
  return process.memoryUsage().heapUsed;
}

function label({ courses, enrolments }: Size): string {
  return `${courses / 1000}k courses/${enrolments / 1000}k enrolments`;
}

function measureSize(size: Size, log: (line: string) => void): Figure[] {
  const catalogue = syntheticCatalogue(20_261_126, size.courses, size.enrolments);
  const random = new SeededRandom(7);
  const heapBefore = heapUsedBytes();
  const started = performance.now();
  const model = RecommendationModel.build({ courses: catalogue.courses, enrolments: catalogue.enrolments });
  const buildMs = performance.now() - started;
  const modelHeap = heapUsedBytes() - heapBefore;
  const stats = model.stats();
  log(
    `  ${label(size)}: built in ${(buildMs / 1000).toFixed(1)} s (${stats.users} users, ` +
      `${stats.coEnrolmentPairs} co-enrolled pairs, ${stats.vocabulary} terms)`,
  );

  const owned = new Map<string, string[]>();
  for (const { userId, courseId } of catalogue.enrolments) {
    const list = owned.get(userId) ?? [];
    list.push(courseId);
    owned.set(userId, list);
  }
  const forUser: number[] = [];
  const similar: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const userId = random.pick(catalogue.users);
    let at = performance.now();
    model.recommendForUser(userId, owned.get(userId) ?? [], LIMIT);
    forUser.push(performance.now() - at);
    const courseId = random.pick(catalogue.courses).id;
    at = performance.now();
    model.similarTo(courseId, LIMIT, { exclude: owned.get(userId) });
    similar.push(performance.now() - at);
  }
  // What each order.confirmed costs the course service between full builds.
  const updates: number[] = [];
  for (let i = 0; i < ENROLMENT_UPDATES; i++) {
    const userId = random.pick(catalogue.users);
    const courseId = random.pick(catalogue.courses).id;
    const at = performance.now();
    model.addEnrolment(userId, courseId);
    updates.push(performance.now() - at);
  }
  // What each course create, edit or publish costs it (the model is patched on the event loop).
  const upserts: number[] = [];
  for (let i = 0; i < COURSE_UPDATES; i++) {
    const course = random.pick(catalogue.courses);
    const at = performance.now();
    model.upsertCourse({
      ...course,
      title: `${course.title} ${catalogue.topicWords[i % catalogue.topicWords.length][0]}`,
    });
    upserts.push(performance.now() - at);
  }

  const name = label(size);
  const gcNote = collectGarbage ? 'after global.gc()' : 'no --expose-gc: includes garbage';
  return [
    {
      name: `model build, ${name}`,
      value: buildMs / 1000,
      unit: 's',
      notes: `${stats.users} users, ${stats.vocabulary} terms, ${stats.coEnrolmentPairs} pairs; on the event loop`,
    },
    {
      name: `model heap, ${name}`,
      value: modelHeap / 2 ** 20,
      unit: 'MiB',
      notes: `heapUsed after build − before, ${gcNote}`,
    },
    ...latencyFigures(
      `recommendForUser, ${name}`,
      forUser,
      `${QUERIES} random users, limit ${LIMIT}`,
      [50, 99],
    ),
    ...latencyFigures(`similarTo, ${name}`, similar, `${QUERIES} random courses, limit ${LIMIT}`, [50]),
    ...latencyFigures(`addEnrolment, ${name}`, updates, `${ENROLMENT_UPDATES} new enrolments`, [50, 99]),
    ...latencyFigures(`upsertCourse, ${name}`, upserts, `${COURSE_UPDATES} edited titles`, [50]),
  ];
}

export const recommendationsBenchmark: Benchmark = (log) => {
  const sizes = process.argv.includes('--large') ? [...DEFAULT_SIZES, LARGE_SIZE] : DEFAULT_SIZES;
  const figures: Figure[] = [];
  for (const size of sizes) figures.push(...measureSize(size, log));
  return Promise.resolve(figures);
};

import { buildInWorker, RecommendationModel } from '@coursehub/course/recommendations';
import { coursesByUser } from '@coursehub/testing';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Benchmark, Figure, latencyFigures, skipped } from './support/figures';
import { SeededRandom } from './support/random';
import { syntheticCatalogue } from './support/synthetic-catalogue';

/*
 * The recommendation model (libs/course/src/recommendations) as the course service runs it,
 * without Nest or a database: a full build in a worker thread (its time, its heap and the process
 * RSS), the snapshot it hands back and its restore on the main thread (in slices: the longest
 * event-loop delay meanwhile), then the latency of the calls a request or an event makes.
 *
 * Side by side, the same code with the content index made exhaustive (every term indexed, none
 * pruned: `indexedTerms` unbounded, `commonTermShare` 1) — the quadratic content lists of the
 * previous model — built on the main thread, where feasible: at 1 000 courses by default, at
 * 10 000 with `--large` (the previous model took 88.7 s and 392 MiB there, its `upsertCourse`
 * 147 ms, in the figures of 2026-11-26). `--large` also adds 100 000 courses / 1 000 000 enrolments.
 */

interface Size {
  courses: number;
  enrolments: number;
  /** Build the exhaustive baseline too. */
  baseline: boolean;
}

const DEFAULT_SIZES: Size[] = [
  { courses: 1_000, enrolments: 10_000, baseline: true },
  { courses: 10_000, enrolments: 100_000, baseline: false },
];
const LARGE_SIZES: Size[] = [
  { courses: 1_000, enrolments: 10_000, baseline: true },
  { courses: 10_000, enrolments: 100_000, baseline: true },
  { courses: 100_000, enrolments: 1_000_000, baseline: false },
];
const EXHAUSTIVE = { indexedTerms: 2 ** 30, commonTermShare: 1 };
const QUERIES = 2_000;
const ENROLMENT_UPDATES = 300;
const COURSE_UPDATES = 100;
const LIMIT = 10;
const MiB = 2 ** 20;

const collectGarbage: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

function heapUsedBytes(): number {
  collectGarbage?.();
  collectGarbage?.();
  return process.memoryUsage().heapUsed;
}

function label({ courses, enrolments }: Size): string {
  return `${courses / 1000}k courses/${enrolments / 1000}k enrolments`;
}

/** Latencies of requests and updates on a model, as the service's event loop sees them. */
function measureCalls(
  model: RecommendationModel,
  catalogue: ReturnType<typeof syntheticCatalogue>,
  name: string,
): Figure[] {
  const random = new SeededRandom(7);
  const owned = coursesByUser(catalogue.enrolments);
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
  const updates: number[] = [];
  for (let i = 0; i < ENROLMENT_UPDATES; i++) {
    const userId = random.pick(catalogue.users);
    const courseId = random.pick(catalogue.courses).id;
    const at = performance.now();
    model.addEnrolment(userId, courseId);
    updates.push(performance.now() - at);
  }
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
  return [
    ...latencyFigures(
      `recommendForUser, ${name}`,
      forUser,
      `${QUERIES} random users, limit ${LIMIT}`,
      [50, 99],
    ),
    ...latencyFigures(`similarTo, ${name}`, similar, `${QUERIES} random courses, limit ${LIMIT}`, [50]),
    ...latencyFigures(`addEnrolment, ${name}`, updates, `${ENROLMENT_UPDATES} new enrolments`, [50, 99]),
    ...latencyFigures(`upsertCourse, ${name}`, upserts, `${COURSE_UPDATES} edited titles`, [50, 99]),
  ];
}

/** The exhaustive (quadratic) content index, built on this thread: time and retained heap. */
function measureBaseline(catalogue: ReturnType<typeof syntheticCatalogue>, name: string): Figure[] {
  const heapBefore = heapUsedBytes();
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const model = RecommendationModel.build(
    { courses: catalogue.courses, enrolments: catalogue.enrolments },
    EXHAUSTIVE,
  );
  const buildMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuAtStart);
  const heap = heapUsedBytes() - heapBefore;
  const upserts: number[] = [];
  const random = new SeededRandom(11);
  for (let i = 0; i < 20; i++) {
    const course = random.pick(catalogue.courses);
    const at = performance.now();
    model.upsertCourse({ ...course, title: `${course.title} ${catalogue.topicWords[0][i]}` });
    upserts.push(performance.now() - at);
  }
  upserts.sort((a, b) => a - b);
  return [
    {
      name: `exhaustive index build, ${name}`,
      value: buildMs / 1000,
      unit: 's',
      notes:
        `CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; every term indexed (quadratic content ` +
        `lists), on the event loop; heap ${(heap / MiB).toFixed(0)} MiB`,
    },
    {
      name: `exhaustive index upsertCourse p50, ${name}`,
      value: upserts[upserts.length >> 1],
      unit: 'ms',
      notes: '20 edited titles',
    },
  ];
}

async function measureSize(size: Size, log: (line: string) => void): Promise<Figure[]> {
  const name = label(size);
  const catalogue = syntheticCatalogue(20_261_126, size.courses, size.enrolments);
  const data = { courses: catalogue.courses, enrolments: catalogue.enrolments };

  const started = performance.now();
  let result;
  try {
    result = await buildInWorker(data).result;
  } catch (error) {
    log(`  ${name}: worker build failed: ${error instanceof Error ? error.message : String(error)}`);
    return [skipped(`worker build, ${name}`, 's', 'the worker failed (see the log)')];
  }
  const workerMs = performance.now() - started;
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const restoreStarted = performance.now();
  const model = await RecommendationModel.restore(result.snapshot, 250);
  const restoreMs = performance.now() - restoreStarted;
  delay.disable();
  const { figures } = result;
  const stats = model.stats();
  log(
    `  ${name}: built in ${(figures.buildMs / 1000).toFixed(1)} s in the worker (${stats.users} users, ` +
      `${stats.coEnrolmentPairs} co-enrolled pairs, ${stats.vocabulary} indexed terms)`,
  );
  const gcNote = collectGarbage ? 'after a GC' : 'no --expose-gc: includes garbage';
  const rows: Figure[] = [
    {
      name: `worker build, ${name}`,
      value: figures.buildMs / 1000,
      unit: 's',
      notes:
        `CPU ${(figures.buildCpuMs / 1000).toFixed(1)} s; ${stats.users} users, ${stats.vocabulary} indexed ` +
        `terms, ${stats.coEnrolmentPairs} pairs`,
    },
    {
      name: `worker heap after build, ${name}`,
      value: figures.heapUsedBytes / MiB,
      unit: 'MiB',
      notes: `model + its input, ${gcNote}; ${(figures.heapTotalBytes / MiB).toFixed(0)} MiB reserved`,
    },
    {
      name: `process RSS after build, ${name}`,
      value: figures.rssBytes / MiB,
      unit: 'MiB',
      notes: 'whole process: main thread (catalogue, bench) + worker',
    },
    {
      name: `snapshot, ${name}`,
      value: figures.snapshotBytes / MiB,
      unit: 'MiB',
      notes: `encoded in ${(figures.encodeMs / 1000).toFixed(1)} s; worker start to snapshot received ${(workerMs / 1000).toFixed(1)} s`,
    },
    {
      name: `restore on the event loop, ${name}`,
      value: restoreMs / 1000,
      unit: 's',
      notes: `slices of 250 courses: event-loop delay max ${(delay.max / 1e6).toFixed(0)} ms`,
    },
    ...measureCalls(model, catalogue, name),
  ];
  if (size.baseline) rows.push(...measureBaseline(catalogue, name));
  return rows;
}

export const recommendationsBenchmark: Benchmark = async (log) => {
  const sizes = process.argv.includes('--large') ? LARGE_SIZES : DEFAULT_SIZES;
  const figures: Figure[] = [];
  for (const size of sizes) figures.push(...(await measureSize(size, log)));
  return figures;
};

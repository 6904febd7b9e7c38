/*
 * Offline evaluation of the course recommender (npm run eval:recommendations).
 *
 * Generates a reproducible synthetic platform with hidden structure — topics that shape both the
 * course texts and who enrols where, tracks inside each topic that only enrolments reveal, and a
 * skewed popularity — holds out one enrolment per user, builds the model on the rest, and measures
 * how often each strategy ranks the held-out course in its top 10. Exits 1 when the hybrid does not
 * beat the popularity baseline by MIN_LIFT (a regression guard, not a benchmark of absolute quality).
 *
 *   npm run eval:recommendations -- [--seed N] [--users N] [--courses N]
 *     [--fresh-share X] [--fresh-enrolments N] [--fresh-min-similarity X]   (model options, to tune)
 */
import { performance } from 'node:perf_hooks';

import {
  CourseFeatures,
  CourseStatus,
  Enrolment,
  Recommendation,
  LearnerSignalRow,
  RecommendationModel,
  RecommendationModelOptions,
  RecommendationStrategy,
} from '@coursehub/course/recommendations';
import { SeededRandom } from '@coursehub/embedded';
import { coursesByUser } from '@coursehub/testing';
import evalTopics from './eval-topics.json';

const K = 10;
const MIN_LIFT = 1.5;
/** Share of the published courses held out as new (published, nobody enrolled yet). */
const NEW_COURSE_SHARE = 0.05;

// --- reproducible randomness ---------------------------------------------------------------------

/** An item drawn with probability proportional to its weight (`total` = the weights' sum). */
function weighted<T>(
  random: SeededRandom,
  items: readonly T[],
  weights: readonly number[],
  total: number,
): T {
  let r = random.next() * total;
  for (let i = 0; i < items.length; i++) {
    r -= weights[i];
    if (r < 0) return items[i];
  }
  return items[items.length - 1];
}

// --- synthetic platform ------------------------------------------------------------------------------

interface Topic {
  readonly name: string;
  readonly category: string;
  readonly words: readonly string[];
  readonly tags: readonly string[];
  /** Share of users who prefer this topic (topics are not equally popular either). */
  readonly appeal: number;
}

/** The topics of the synthetic world, with their vocabularies (data: scripts/eval-topics.json). */
const TOPICS: readonly Topic[] = evalTopics.map((topic) => ({ ...topic, words: topic.words.split(' ') }));

const GENERIC = `practical complete guide hands project skills build real world beginner advanced master
  essential modern fundamentals professional step bootcamp zero hero workshop techniques career quick
  introduction intermediate expert tips tricks examples exercises certificate`.split(/\s+/);

const TRACKS_PER_TOPIC = 3;

interface SyntheticCourse extends CourseFeatures {
  readonly topic: number;
  /** Hidden sub-group of a topic: visible only in who enrols, not in the text. */
  readonly track: number;
  readonly appeal: number;
}

interface SyntheticPlatform {
  readonly courses: SyntheticCourse[];
  readonly enrolments: Enrolment[];
  /** Each user's hidden taste: preferred topics and track (what their ratings follow). */
  readonly tastes: Map<string, { topics: number[]; track: number }>;
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function sentence(random: SeededRandom, topic: Topic, length: number): string {
  const words: string[] = [];
  for (let i = 0; i < length; i++) {
    const roll = random.next();
    if (roll < 0.6) words.push(random.pick(topic.words));
    else if (roll < 0.88) words.push(random.pick(GENERIC));
    else words.push(random.pick(random.pick(TOPICS).words)); // vocabulary bleeding across topics
  }
  return words.join(' ');
}

function generatePlatform(seed: number, courseCount: number, userCount: number): SyntheticPlatform {
  const random = new SeededRandom(seed);
  const courses: SyntheticCourse[] = [];
  for (let i = 0; i < courseCount; i++) {
    const topicIndex = i % TOPICS.length;
    const topic = TOPICS[topicIndex];
    const roll = random.next();
    const status: CourseStatus = roll < 0.05 ? 'draft' : roll < 0.1 ? 'archived' : 'published';
    const tags = random.shuffle([...topic.tags]).slice(0, 2 + random.int(3));
    if (random.next() < 0.2) tags.push(random.pick(random.pick(TOPICS).tags));
    courses.push({
      id: `course-${String(i).padStart(4, '0')}`,
      title: `${capitalise(random.pick(GENERIC))} ${capitalise(random.pick(topic.words))} ${capitalise(random.pick(topic.words))}`,
      summary: sentence(random, topic, 10),
      description: sentence(random, topic, 30 + random.int(50)),
      tags,
      category: topic.category,
      status,
      topic: topicIndex,
      track: random.int(TRACKS_PER_TOPIC),
      appeal: Math.exp(1.1 * random.normal()), // log-normal: a few best-sellers, a long tail
    });
  }

  // Enrolment pools: drafts take none; archived courses keep enrolments from before archiving.
  const enrollable = courses.filter((course) => course.status !== 'draft');
  const pool = (filter: (course: SyntheticCourse) => boolean) => {
    const items = enrollable.filter(filter);
    const weights = items.map((course) => course.appeal);
    return { items, weights, total: weights.reduce((a, b) => a + b, 0) };
  };
  const everything = pool(() => true);
  const byTrack = new Map<string, ReturnType<typeof pool>>();
  const byTopic = new Map<number, ReturnType<typeof pool>>();
  TOPICS.forEach((_, topic) => {
    byTopic.set(
      topic,
      pool((course) => course.topic === topic),
    );
    for (let track = 0; track < TRACKS_PER_TOPIC; track++) {
      byTrack.set(
        `${topic}/${track}`,
        pool((course) => course.topic === topic && course.track === track),
      );
    }
  });

  const topicIndexes = TOPICS.map((_, index) => index);
  const topicAppeal = TOPICS.map((topic) => topic.appeal);
  const topicAppealTotal = topicAppeal.reduce((a, b) => a + b, 0);
  const enrolments: Enrolment[] = [];
  const tastes = new Map<string, { topics: number[]; track: number }>();
  for (let u = 0; u < userCount; u++) {
    const userId = `user-${String(u).padStart(5, '0')}`;
    const preferred = [weighted(random, topicIndexes, topicAppeal, topicAppealTotal)];
    if (random.next() < 0.4) preferred.push(weighted(random, topicIndexes, topicAppeal, topicAppealTotal));
    const track = random.int(TRACKS_PER_TOPIC);
    tastes.set(userId, { topics: preferred, track });
    // 1 + geometric: most users own a handful of courses, a few own many.
    let wanted = 1;
    while (wanted < 25 && random.next() < 0.78) wanted++;
    const owned = new Set<string>();
    for (let attempt = 0; owned.size < wanted && attempt < wanted * 10; attempt++) {
      const roll = random.next();
      const topic = random.pick(preferred);
      const from =
        roll < 0.15 ? everything : roll < 0.65 ? byTrack.get(`${topic}/${track}`)! : byTopic.get(topic)!;
      if (from.items.length === 0) continue;
      owned.add(weighted(random, from.items, from.weights, from.total).id);
    }
    for (const courseId of owned) enrolments.push({ userId, courseId });
  }
  return { courses, enrolments, tastes };
}

/**
 * Ratings and completions of the training enrolments, drawn from their own random stream (the
 * platform is the same with or without them): 40 % of enrolments are rated — 4 or 5 within the
 * learner's topic and track, 3 or 4 elsewhere in their topics, 1 or 2 outside them (the 15 % of
 * enrolments made at random) — and 30 % of those within their topics are completed.
 */
function learnerSignals(
  seed: number,
  platform: SyntheticPlatform,
  train: readonly Enrolment[],
): LearnerSignalRow[] {
  const random = new SeededRandom(seed);
  const byId = new Map(platform.courses.map((course) => [course.id, course]));
  const signals: LearnerSignalRow[] = [];
  for (const { userId, courseId } of train) {
    const taste = platform.tastes.get(userId)!;
    const course = byId.get(courseId)!;
    const inTopic = taste.topics.includes(course.topic);
    const rated = random.next() < 0.4;
    const base = !inTopic ? 1 : course.track === taste.track ? 4 : 3;
    const rating = rated ? base + random.int(2) : undefined;
    const completed = inTopic && random.next() < 0.3;
    if (rating !== undefined || completed) signals.push({ userId, courseId, rating, completed });
  }
  return signals;
}

// --- evaluation ------------------------------------------------------------------------------------

interface HeldOut {
  readonly userId: string;
  readonly owned: readonly string[];
  readonly target: string;
}

function holdOut(
  random: SeededRandom,
  platform: SyntheticPlatform,
): { train: Enrolment[]; tests: HeldOut[] } {
  const published = new Set(platform.courses.filter((c) => c.status === 'published').map((c) => c.id));
  const byUser = coursesByUser(platform.enrolments);
  const train: Enrolment[] = [];
  const tests: HeldOut[] = [];
  for (const [userId, owned] of byUser) {
    // Only a published course can be recommended, so only one can be the held-out answer.
    const eligible = owned.filter((id) => published.has(id));
    const target = owned.length >= 2 && eligible.length > 0 ? random.pick(eligible) : undefined;
    const kept = owned.filter((id) => id !== target);
    for (const courseId of kept) train.push({ userId, courseId });
    if (target !== undefined) tests.push({ userId, owned: kept, target });
  }
  return { train, tests };
}

/**
 * Cold start: a share of the published courses are made new — every enrolment in them is left
 * out of training, as for a course just published — and each user who did take one (and owns
 * something else) is asked for it. Only the course's text can bring it to them.
 */
function holdOutNewCourses(
  random: SeededRandom,
  platform: SyntheticPlatform,
  warmTrain: readonly Enrolment[],
): { train: Enrolment[]; tests: HeldOut[]; newCourses: number } {
  const published = platform.courses.filter((c) => c.status === 'published');
  const newCourses = new Set(
    random
      .shuffle([...published])
      .slice(0, Math.round(published.length * NEW_COURSE_SHARE))
      .map((c) => c.id),
  );
  const train = warmTrain.filter((enrolment) => !newCourses.has(enrolment.courseId));
  const ownedInTrain = new Map<string, string[]>();
  for (const { userId, courseId } of train) {
    const owned = ownedInTrain.get(userId) ?? [];
    owned.push(courseId);
    ownedInTrain.set(userId, owned);
  }
  const newByUser = new Map<string, string[]>();
  for (const { userId, courseId } of platform.enrolments) {
    if (!newCourses.has(courseId)) continue;
    const taken = newByUser.get(userId) ?? [];
    taken.push(courseId);
    newByUser.set(userId, taken);
  }
  const tests: HeldOut[] = [];
  for (const [userId, taken] of newByUser) {
    const owned = ownedInTrain.get(userId);
    if (owned && owned.length > 0) tests.push({ userId, owned, target: random.pick(taken) });
  }
  return { train, tests, newCourses: newCourses.size };
}

interface Metrics {
  precision: number;
  recall: number;
  ndcg: number;
  coverage: number;
}

function evaluate(tests: readonly HeldOut[], recommend: (test: HeldOut) => Recommendation[]): Metrics {
  let hits = 0;
  let ndcg = 0;
  const shown = new Set<string>();
  for (const test of tests) {
    const list = recommend(test);
    list.forEach((item) => shown.add(item.courseId));
    const rank = list.findIndex((item) => item.courseId === test.target);
    if (rank >= 0) {
      hits++;
      ndcg += 1 / Math.log2(rank + 2); // one relevant item: ideal DCG is 1
    }
  }
  return {
    precision: hits / (tests.length * K),
    recall: hits / tests.length, // one held-out item per user: recall@K is the hit rate
    ndcg: ndcg / tests.length,
    coverage: shown.size,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer`);
  return value;
}

function decimalArgument(name: string): number | undefined {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return undefined;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number >= 0`);
  return value;
}

function main(): number {
  const seed = argument('seed', 20_261_122);
  const courseCount = argument('courses', 300);
  const userCount = argument('users', 2000);

  const platform = generatePlatform(seed, courseCount, userCount);
  const { train, tests } = holdOut(new SeededRandom(seed + 1), platform);
  const publishedCount = platform.courses.filter((c) => c.status === 'published').length;
  console.log(
    `Synthetic platform (seed ${seed}): ${platform.courses.length} courses (${publishedCount} published), ` +
      `${TOPICS.length} topics × ${TRACKS_PER_TOPIC} hidden tracks, ${userCount} users, ` +
      `${platform.enrolments.length} enrolments; ${tests.length} users with one held-out enrolment.`,
  );

  const courses: CourseFeatures[] = platform.courses.map(
    ({ id, title, summary, description, tags, category, status }) => ({
      id,
      title,
      summary,
      description,
      tags,
      category,
      status,
    }),
  );
  const buildStart = performance.now();
  const modelOptions: RecommendationModelOptions = {
    freshShare: decimalArgument('fresh-share'),
    freshEnrolments: decimalArgument('fresh-enrolments'),
    freshMinSimilarity: decimalArgument('fresh-min-similarity'),
  };
  const model = RecommendationModel.build({ courses, enrolments: train }, modelOptions);
  const buildMs = performance.now() - buildStart;
  const stats = model.stats();

  const strategies: { label: string; recommend: (test: HeldOut) => Recommendation[] }[] = [
    ...(['hybrid', 'collaborative', 'content'] as RecommendationStrategy[]).map((strategy) => ({
      label: strategy === 'hybrid' ? 'hybrid (CF + content)' : `${strategy} only`,
      recommend: (test: HeldOut) => model.recommendForUser(test.userId, test.owned, K, { strategy }),
    })),
    {
      label: 'popular in own categories',
      recommend: (test: HeldOut) =>
        model.recommendForUser(test.userId, test.owned, K, { strategy: 'popular' }),
    },
    {
      label: 'popular overall (baseline)',
      recommend: (test: HeldOut) => model.popular(K, { exclude: test.owned }),
    },
  ];
  const results = strategies.map(({ label, recommend }) => ({ label, metrics: evaluate(tests, recommend) }));
  // The hybrid again, with the learners' ratings and completions of their training courses.
  const signalled = RecommendationModel.build({ courses, enrolments: train }, modelOptions);
  signalled.loadSignals(learnerSignals(seed + 3, platform, train));
  results.splice(1, 0, {
    label: 'hybrid + ratings, completions',
    metrics: evaluate(tests, (test) => signalled.recommendForUser(test.userId, test.owned, K)),
  });

  // The same strategies on a model that has never seen an enrolment in the new courses.
  const cold = holdOutNewCourses(new SeededRandom(seed + 2), platform, train);
  const coldModel = RecommendationModel.build({ courses, enrolments: cold.train }, modelOptions);
  const coldStrategies = strategies.map(({ label }, index) => ({
    label,
    recommend:
      index < 4
        ? (test: HeldOut) =>
            coldModel.recommendForUser(test.userId, test.owned, K, {
              strategy: (['hybrid', 'collaborative', 'content', 'popular'] as const)[index],
            })
        : (test: HeldOut) => coldModel.popular(K, { exclude: test.owned }),
  }));
  const coldResults = coldStrategies.map(({ recommend }) => evaluate(cold.tests, recommend));
  const coldSignalled = RecommendationModel.build({ courses, enrolments: cold.train }, modelOptions);
  coldSignalled.loadSignals(learnerSignals(seed + 3, platform, cold.train));
  coldResults.splice(
    1,
    0,
    evaluate(cold.tests, (test) => coldSignalled.recommendForUser(test.userId, test.owned, K)),
  );
  console.log(
    `Cold start: ${cold.newCourses} published courses held out as new (no enrolment in training); ` +
      `${cold.tests.length} users who took one are asked for it.`,
  );

  const header = [
    'strategy',
    `precision@${K}`,
    `recall@${K}`,
    `NDCG@${K}`,
    'courses shown',
    `new-course hit@${K}`,
  ];
  const rows = results.map(({ label, metrics }, index) => [
    label,
    metrics.precision.toFixed(4),
    metrics.recall.toFixed(4),
    metrics.ndcg.toFixed(4),
    String(metrics.coverage),
    coldResults[index].recall.toFixed(4),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ');
  console.log();
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  rows.forEach((row) => console.log(line(row)));

  // Serving latency: one hybrid request per test user, after a warm-up pass.
  for (const test of tests.slice(0, 200)) model.recommendForUser(test.userId, test.owned, K);
  const latencies: number[] = [];
  for (const test of tests) {
    const start = performance.now();
    model.recommendForUser(test.userId, test.owned, K);
    latencies.push(performance.now() - start);
  }
  latencies.sort((a, b) => a - b);
  const similarStart = performance.now();
  for (const course of courses) model.similarTo(course.id, K);
  const similarMs = (performance.now() - similarStart) / courses.length;

  // Incremental refresh: feed the held-out enrolments back one by one.
  const addStart = performance.now();
  for (const test of tests) model.addEnrolment(test.userId, test.target);
  const addMs = (performance.now() - addStart) / tests.length;

  console.log();
  console.log(
    `Model build: ${buildMs.toFixed(0)} ms (${stats.courses} courses, ${stats.users} users, ` +
      `${stats.enrolments} enrolments, ${stats.coEnrolmentPairs} co-enrolled pairs, ${stats.vocabulary} terms).`,
  );
  console.log(
    `recommendForUser: mean ${(latencies.reduce((a, b) => a + b, 0) / latencies.length).toFixed(3)} ms, ` +
      `p50 ${percentile(latencies, 50).toFixed(3)} ms, p99 ${percentile(latencies, 99).toFixed(3)} ms; ` +
      `similarTo: mean ${similarMs.toFixed(3)} ms; addEnrolment: mean ${addMs.toFixed(3)} ms.`,
  );

  const hybrid = results[0].metrics.precision;
  const baseline = results[results.length - 1].metrics.precision;
  const lift = baseline === 0 ? Infinity : hybrid / baseline;
  console.log();
  if (lift < MIN_LIFT) {
    console.error(
      `FAIL: hybrid precision@${K} is ${lift.toFixed(2)}× the popularity baseline (needs ≥ ${MIN_LIFT}×).`,
    );
    return 1;
  }
  console.log(
    `OK: hybrid precision@${K} is ${lift.toFixed(2)}× the popularity baseline (needs ≥ ${MIN_LIFT}×).`,
  );
  return 0;
}

process.exitCode = main();

import { findFreePorts } from '@coursehub/embedded';
import { SPLIT_APPS, SplitApp, startSplitDeployment } from '@coursehub/testing';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadBenchCatalogue } from './support/bench-catalogue';
import { buildApps, cpuMicrosOf, rssMiB, startBuiltPlatform } from './support/built-apps';
import { Benchmark, Figure, skipped } from './support/figures';
import { kafkaMockUnavailable, postgresServerUrl } from './support/infrastructure';

/*
 * What `npm start` costs (issue 14): the single-process platform (`dist/apps/platform`, built by
 * `npm run build` first unless BENCH_NO_BUILD=1) on a fresh DATA_DIR, as a newcomer runs it —
 * embedded PGlite per feature, MongoDB wire server, SMTP sink, in-process transport — timed from
 * spawning `node` to `/health/ready` answering 200, with the process's RSS at that moment and after
 * PLATFORM_IDLE_MS (10 s) idle; then the same on the now-existing DATA_DIR (a restart).
 *
 * `split`: the four services as separate processes (startSplitDeployment: Kafka mock, a database
 * per service on the local PostgreSQL, embedded MongoDB), the course service restarted once
 * 10 000 published courses are in its database; the RSS of each process after it became ready and
 * sat idle.
 */

const IDLE_MS = Number(process.env.PLATFORM_IDLE_MS ?? 10_000);
const SPLIT_COURSES = Number(process.env.SPLIT_BENCH_COURSES ?? 10_000);
const IDLE_CPU_MS = 5_000;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface StartFigures {
  seconds: number;
  rssAtReady: number;
  rssIdle: number;
  peakRss: number;
}

async function startPlatformOnce(dataDir: string, logFile: string): Promise<StartFigures> {
  const [port] = await findFreePorts(1);
  const started = performance.now();
  const app = startBuiltPlatform({ dataDir, port, logFile });
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssMiB(app.pid) || 0);
  }, 50);
  try {
    await app.waitUntilReady({ url: `http://127.0.0.1:${port}/health/ready`, timeoutMs: 180_000 });
    const seconds = (performance.now() - started) / 1000;
    const rssAtReady = rssMiB(app.pid);
    await pause(IDLE_MS);
    return { seconds, rssAtReady, rssIdle: rssMiB(app.pid), peakRss: Math.max(peakRss, rssAtReady) };
  } catch (error) {
    throw new Error(`${String(error)}\n${app.outputTail()}`, { cause: error });
  } finally {
    clearInterval(sampler);
    await app.stop(15_000);
  }
}

function startFigures(label: string, figures: StartFigures, notes: string): Figure[] {
  return [
    { name: `${label}: ready`, value: figures.seconds, unit: 's', notes },
    {
      name: `${label}: RSS idle`,
      value: figures.rssIdle,
      unit: 'MiB',
      notes: `${(IDLE_MS / 1000).toFixed(0)} s after ready; at ready ${figures.rssAtReady.toFixed(0)}, peak ${figures.peakRss.toFixed(0)}; target ≤ 350`,
    },
  ];
}

export const platformBenchmark: Benchmark = async (log) => {
  const figures: Figure[] = [];
  const seconds = buildApps();
  if (seconds !== undefined) {
    log(`  npm run build: ${seconds.toFixed(1)} s`);
    figures.push({ name: 'npm run build (swc)', value: seconds, unit: 's', notes: 'before node starts' });
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'coursehub-platform-bench-'));
  const logFile = join(dataDir, 'platform.log');
  try {
    const fresh = await startPlatformOnce(join(dataDir, 'data'), logFile);
    log(`  fresh DATA_DIR: ready in ${fresh.seconds.toFixed(1)} s, RSS ${fresh.rssIdle.toFixed(0)} MiB idle`);
    const restart = await startPlatformOnce(join(dataDir, 'data'), logFile);
    log(`  restart: ready in ${restart.seconds.toFixed(1)} s, RSS ${restart.rssIdle.toFixed(0)} MiB idle`);
    figures.push(
      ...startFigures(
        'npm start, fresh DATA_DIR',
        fresh,
        'spawn → /health/ready 200 (initdb cached in node_modules/.cache); target ≤ 5 s',
      ),
      ...startFigures('npm start, restart (same DATA_DIR)', restart, 'spawn → /health/ready 200'),
    );
    return figures;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
};

/** The pid listening on `port` (ss -ltnp). */
function pidOnPort(port: number): number | undefined {
  const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const pid = /pid=(\d+)/.exec(out)?.[1];
  return pid ? Number(pid) : undefined;
}

export const splitBenchmark: Benchmark = async (log) => {
  const unavailable = kafkaMockUnavailable();
  if (unavailable) return SPLIT_APPS.map((app) => skipped(`split: ${app} RSS idle`, 'MiB', unavailable));
  buildApps();
  const deployment = await startSplitDeployment({
    postgresUrl: postgresServerUrl(),
    logLevel: 'warn',
    readyTimeoutMs: 180_000,
  });
  try {
    await loadBenchCatalogue(deployment.databaseUrls.course, SPLIT_COURSES);
    await deployment.kill('course', 'SIGTERM');
    const restarted = performance.now();
    await deployment.restart('course');
    const courseReady = (performance.now() - restarted) / 1000;
    log(`  course restarted on ${SPLIT_COURSES} courses: spawn → ready in ${courseReady.toFixed(1)} s`);
    const pids = SPLIT_APPS.map((app) => pidOnPort(Number(new URL(deployment.urls[app]).port)));
    await pause(IDLE_MS);
    const figures: Figure[] = SPLIT_APPS.map((app: SplitApp, index) => {
      const rss = rssMiB(pids[index]);
      log(`  ${app}: ${rss.toFixed(0)} MiB`);
      return {
        name: `split: ${app} RSS idle`,
        value: rss,
        unit: 'MiB',
        notes:
          app === 'course'
            ? `${SPLIT_COURSES} published courses; spawn → ready ${courseReady.toFixed(1)} s (target ≤ 3 s); goal ≤ 150`
            : `${(IDLE_MS / 1000).toFixed(0)} s after ready; goal ≤ 150`,
      };
    });
    // Then the CPU an idle service burns (timers, polling, Kafka heartbeats and fetches).
    const cpuBefore = pids.map(cpuMicrosOf);
    const started = performance.now();
    await pause(IDLE_CPU_MS);
    const elapsedMicros = (performance.now() - started) * 1000;
    figures.push(
      ...SPLIT_APPS.map((app, index) => ({
        name: `split: ${app} CPU idle`,
        value: ((cpuMicrosOf(pids[index]) - cpuBefore[index]) / elapsedMicros) * 100,
        unit: '% core',
        notes: `over ${(IDLE_CPU_MS / 1000).toFixed(0)} s with no request`,
      })),
    );
    return figures;
  } finally {
    await deployment.stop();
  }
};

import { databaseNamed, TemporaryDatabase, withPostgresClient } from '@coursehub/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBenchCatalogue } from './support/bench-catalogue';
import { buildApps } from './support/built-apps';
import { Benchmark, Figure } from './support/figures';
import { postgresServerUrl } from './support/infrastructure';
import { SeededRandom } from './support/random';
import {
  ForkedServerKind,
  LoadFigures,
  measureLoad,
  ReadServer,
  startPlatformReadServer,
  startReadServer,
} from './support/read-servers';
import { relevanceFigures } from './support/relevance';

/*
 * Side by side (issue 14): the course service as deployed alone (split mode, in-process transport)
 * against a bare Fastify + `pg` baseline (bench/baseline-server.ts), each in a process of its own,
 * on the same 10 000 published courses in the local PostgreSQL, loaded by autocannon from this
 * process with 50 connections. CourseHub's figures are printed as ratios of the baseline's; the
 * targets are by id ≥ 0.7× the req/s with p99 ≤ 1.5×, search ≥ 1.5× the req/s. Then search
 * relevance on the demo catalogue, both servers answering the suite of
 * libs/course/test/search-relevance-cases.ts. The whole platform (`DATABASE_URL=… npm start`, built)
 * takes its turns too, on the same rows: its course database is the one the others read.
 *
 * READ_BENCH_SECONDS (default 12) is how long each server is measured per route, READ_BENCH_COURSES (10 000)
 * the catalogue size.
 */

const COURSES = Number(process.env.READ_BENCH_COURSES ?? 10_000);
const SECONDS = Number(process.env.READ_BENCH_SECONDS ?? 12);
const WARM_UP_SECONDS = 3;
const ROUNDS = 3;
const CONNECTIONS = 50;
/** Both servers get the course service's default pool size. */
const POOL_SIZE = 10;

interface Route {
  name: string;
  nextPath: () => string;
}

function ratioFigures(
  route: string,
  baseline: LoadFigures,
  coursehub: LoadFigures,
  target: string,
): Figure[] {
  const throughput = coursehub.requestsPerSecond / baseline.requestsPerSecond;
  const latency = coursehub.p99 / Math.max(baseline.p99, 1);
  return [
    {
      name: `${route} baseline`,
      value: baseline.requestsPerSecond,
      unit: 'req/s',
      notes: `p50 ${baseline.p50} ms, p99 ${baseline.p99} ms; ${baseline.requests} requests; server CPU ${baseline.cpuMicrosPerRequest} µs/request`,
    },
    {
      name: `${route} CourseHub`,
      value: coursehub.requestsPerSecond,
      unit: 'req/s',
      notes: `p50 ${coursehub.p50} ms, p99 ${coursehub.p99} ms; ${coursehub.requests} requests; server CPU ${coursehub.cpuMicrosPerRequest} µs/request`,
    },
    { name: `${route} CourseHub / baseline req/s`, value: throughput, unit: '×', notes: target },
    { name: `${route} CourseHub / baseline p99`, value: latency, unit: '×' },
  ];
}

async function measure(server: ReadServer, route: Route, seconds: number): Promise<LoadFigures> {
  const cpuBefore = server.cpuMicros();
  const figures = await measureLoad({
    url: server.url,
    connections: CONNECTIONS,
    nextPath: route.nextPath,
    seconds,
  });
  return { ...figures, cpuMicrosPerRequest: (server.cpuMicros() - cpuBefore) / figures.requests };
}

/** Sums rounds of one server: requests over time; p50 and p99 as the mean of the rounds'. */
function combined(rounds: LoadFigures[]): LoadFigures {
  const requests = rounds.reduce((sum, round) => sum + round.requests, 0);
  const mean = (pick: (round: LoadFigures) => number) =>
    Math.round(rounds.reduce((sum, round) => sum + pick(round), 0) / rounds.length);
  return {
    requests,
    requestsPerSecond: rounds.reduce((sum, round) => sum + round.requestsPerSecond, 0) / rounds.length,
    p50: mean((round) => round.p50),
    p99: mean((round) => round.p99),
    cpuMicrosPerRequest: mean((round) => round.cpuMicrosPerRequest ?? 0),
  };
}

/**
 * The servers take turns (ROUNDS each, SECONDS / ROUNDS long) after a warm-up of each: on a shared
 * machine the load drifts, and alternating spreads the drift over all of them.
 */
async function takeTurns(servers: ReadServer[], route: Route): Promise<LoadFigures[]> {
  for (const server of servers) await measure(server, route, WARM_UP_SECONDS);
  const rounds: LoadFigures[][] = servers.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, server] of servers.entries())
      rounds[index].push(await measure(server, route, SECONDS / ROUNDS));
  }
  return rounds.map(combined);
}

export const readPathBenchmark: Benchmark = async (log) => {
  const databases: TemporaryDatabase[] = [];
  const servers: ReadServer[] = [];
  const start = async (kind: ForkedServerKind, url: string) => {
    const server = await startReadServer(kind, url, POOL_SIZE);
    servers.push(server);
    return server;
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'coursehub-read-bench-'));
  try {
    buildApps();
    // The platform names its databases <base>_<feature> after DATABASE_URL's: its course database
    // is the one every server reads; it creates the other two itself.
    const base = `bench_read_${randomBytes(6).toString('hex')}`;
    databases.push(
      ...['course', 'auth', 'order'].map((feature) =>
        databaseNamed(`${base}_${feature}`, postgresServerUrl()),
      ),
    );
    const database = databases[0];
    await withPostgresClient(postgresServerUrl(), (admin) =>
      admin.query(`CREATE DATABASE "${database.name}"`),
    );
    // The course services first: their migrations create the schema all servers read. They start
    // before the catalogue is written, so none builds a 10,000-course recommendation model in the
    // background while the others are measured (the routes measured here do not use the model).
    const coursehub = await start('coursehub', database.url);
    const uncached = await start('coursehub-uncached', database.url);
    const logged = await start('coursehub-logged', database.url);
    const platform = await startPlatformReadServer(databaseNamed(base, postgresServerUrl()).url, dataDir);
    servers.push(platform);
    const catalogue = await loadBenchCatalogue(database.url, COURSES);
    const baseline = await start('baseline', database.url);
    log(`  ${COURSES} courses loaded; servers at ${baseline.url} (baseline), ${coursehub.url} (CourseHub)`);

    const random = new SeededRandom(14);
    const byId: Route = {
      name: 'GET /courses/:id',
      nextPath: () => `/courses/${random.pick(catalogue.ids)}`,
    };
    const search: Route = {
      name: 'GET /courses?q=',
      nextPath: () => `/courses?q=${encodeURIComponent(random.pick(catalogue.searches))}`,
    };
    const loadBefore = loadavg()[0];
    const figures: Figure[] = [];
    const contenders = [baseline, coursehub, uncached, platform];
    const onPlatform = 'the whole platform, npm start on the local PostgreSQL';
    const [byIdBase, byIdOurs, byIdUncached, byIdPlatform, byIdLogged] = await takeTurns(
      [...contenders, logged],
      byId,
    );
    figures.push(
      ...ratioFigures(byId.name, byIdBase, byIdOurs, 'target ≥ 0.7×, p99 ≤ 1.5×; 10 000 ids at random'),
      ...ratioFigures(
        `${byId.name} (public cache off)`,
        byIdBase,
        byIdUncached,
        'COURSE_PAGE_CACHE_MS=0: every read one prepared statement',
      ).slice(1),
      ...ratioFigures(`${byId.name} (platform)`, byIdBase, byIdPlatform, onPlatform).slice(1),
      ...ratioFigures(
        `${byId.name} (LOG_LEVEL=info)`,
        byIdBase,
        byIdLogged,
        'the default log level: one access line per request (the others log at warn)',
      ).slice(1),
    );
    const [searchBase, searchOurs, searchUncached, searchPlatform] = await takeTurns(contenders, search);
    figures.push(
      ...ratioFigures(
        search.name,
        searchBase,
        searchOurs,
        'target ≥ 1.5×; two words of a topic, 200 searches',
      ),
      ...ratioFigures(
        `${search.name} (page cache off)`,
        searchBase,
        searchUncached,
        'COURSE_PAGE_CACHE_MS=0: every search ranked in PostgreSQL',
      ).slice(1),
      ...ratioFigures(`${search.name} (platform)`, searchBase, searchPlatform, onPlatform).slice(1),
    );
    // CourseHub only: a revalidation (304) and the listing without q.
    const firstId = catalogue.ids[0];
    const etag = (await fetch(`${coursehub.url}/courses/${firstId}`)).headers.get('etag');
    if (!etag) throw new Error('GET /courses/:id answered without an ETag');
    const notModified = await measureLoad({
      url: coursehub.url,
      connections: CONNECTIONS,
      seconds: SECONDS / 2,
      nextPath: () => `/courses/${firstId}`,
      headers: { 'if-none-match': etag },
      expectStatus: 304,
    });
    figures.push({
      name: 'GET /courses/:id revalidated (304) CourseHub',
      value: notModified.requestsPerSecond,
      unit: 'req/s',
      notes: `If-None-Match with the current ETag; p99 ${notModified.p99} ms`,
    });
    const listing = await measureLoad({
      url: coursehub.url,
      connections: CONNECTIONS,
      seconds: SECONDS / 2,
      nextPath: () => `/courses?sort=${random.pick(['newest', 'popular', 'price_asc'])}`,
    });
    figures.push({
      name: 'GET /courses (no q) CourseHub',
      value: listing.requestsPerSecond,
      unit: 'req/s',
      notes: `newest / popular / price_asc, first page of 20; p99 ${listing.p99} ms`,
    });
    figures.push({
      name: 'load average (1 min) during the runs',
      value: (loadBefore + loadavg()[0]) / 2,
      unit: '',
      notes: `${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end; 2 cores shared by the servers, PostgreSQL and autocannon`,
    });
    for (const server of servers.splice(0)) await server.stop();

    figures.push(...(await relevanceFigures(log, start, databases)));
    return figures;
  } finally {
    for (const server of servers) await server.stop();
    for (const database of databases) await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
};

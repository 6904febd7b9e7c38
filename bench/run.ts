/*
 * Benchmarks (npm run bench): speed and memory figures, printed, never asserted.
 *
 *   npm run bench                          all of them, one after another (≈ 2.5 min on 2 cores)
 *   npm run bench -- outbox http           those whose name starts with one of the words
 *   npm run bench -- read                  the side-by-side read path (≈ 2 min; or BENCH_ONLY=read)
 *   npm run bench -- recommendations --large   adds the 10 000-course model (≈ 1.5 min more)
 *
 * Each benchmark runs in a child process of its own (with --expose-gc): heap figures start from a
 * clean heap, each app gets its own nestjs-pino root logger, and a benchmark that leaves a server
 * or pool open is caught here instead of skewing the next one. Logs of the apps go to a temporary
 * file (LOG_LEVEL=warn); warnings and errors in it are shown after the benchmark.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Benchmark, Figure, formatValue } from './support/figures';
import type * as events from './events.bench';
import type * as http from './http.bench';
import type * as outboxRelay from './outbox-relay.bench';
import type * as pglite from './pglite.bench';
import type * as platform from './platform.bench';
import type * as readPath from './read-path.bench';
import type * as recommendations from './recommendations.bench';

interface Entry {
  name: string;
  load: () => Benchmark;
}

/** The names of a module's exports that are benchmarks. */
type BenchmarkExport<Module> = {
  [Name in keyof Module]: Module[Name] extends Benchmark ? Name : never;
}[keyof Module] &
  string;

/*
 * Loaded only in the child that runs it (the HTTP one pulls in the whole platform). A dynamic
 * import() would need a file extension under module nodenext, which the CommonJS loader of
 * @swc-node/register cannot map back to .ts; the type-only imports above keep the names checked.
 */
const loadModule = createRequire(__filename);

/** The benchmark `exportName` of the module at `path` (of type `Module`), loaded when it runs. */
function entry<Module>(name: string, path: string, exportName: BenchmarkExport<Module>): Entry {
  return { name, load: () => (loadModule(path) as Record<string, Benchmark>)[exportName] };
}

const BENCHMARKS: Entry[] = [
  entry<typeof outboxRelay>('outbox-relay', './outbox-relay.bench', 'outboxRelayBenchmark'),
  entry<typeof events>('events', './events.bench', 'eventsBenchmark'),
  entry<typeof readPath>('read-path', './read-path.bench', 'readPathBenchmark'),
  entry<typeof http>('http', './http.bench', 'httpBenchmark'),
  entry<typeof recommendations>('recommendations', './recommendations.bench', 'recommendationsBenchmark'),
  entry<typeof platform>('platform', './platform.bench', 'platformBenchmark'),
  entry<typeof platform>('split', './platform.bench', 'splitBenchmark'),
  entry<typeof pglite>('pglite', './pglite.bench', 'pgliteBenchmark'),
];

const CHILD_FLAG = '--child';
/** A child whose benchmark has returned gets this long to exit on its own before it counts as leaking. */
const EXIT_GRACE_MS = 5_000;

interface ChildReport {
  figures?: Figure[];
  error?: string;
}

function select(words: string[]): Entry[] {
  if (words.length === 0) return BENCHMARKS;
  const chosen = BENCHMARKS.filter((entry) => words.some((word) => entry.name.startsWith(word)));
  const unknown = words.filter((word) => !BENCHMARKS.some((entry) => entry.name.startsWith(word)));
  if (unknown.length > 0) {
    throw new Error(
      `No benchmark named ${unknown.join(', ')}; known: ${BENCHMARKS.map((entry) => entry.name).join(', ')}`,
    );
  }
  return chosen;
}

// --- child: runs one benchmark and reports its figures to the parent -----------------------------

async function runChild(name: string): Promise<void> {
  const entry = BENCHMARKS.find((candidate) => candidate.name === name)!;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let report: ChildReport;
  try {
    const benchmark = entry.load();
    report = { figures: await benchmark(log) };
  } catch (error) {
    report = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  await new Promise<void>((done) => process.send!(report, () => done()));
  process.disconnect();
  // Everything the benchmark started is stopped by now, so the process should exit by itself.
  setTimeout(() => {
    const open = process
      .getActiveResourcesInfo()
      .filter((resource) => resource !== 'Timeout' && resource !== 'TTYWrap');
    process.stderr.write(`  ${name} left resources open (${open.join(', ') || 'timers'}); exiting anyway\n`);
    process.exit(0);
  }, EXIT_GRACE_MS).unref();
}

// --- parent: runs the chosen benchmarks one after another and prints the table ----------------------

/** Counts the warnings and errors the apps logged, by logger context, with the first message of each. */
function logProblems(logFile: string): void {
  let lines: string[];
  try {
    lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
  } catch {
    return;
  }
  const byContext = new Map<string, { count: number; first: string }>();
  for (const line of lines) {
    let record: { level?: number; context?: string; msg?: string };
    try {
      record = JSON.parse(line) as typeof record;
    } catch {
      continue;
    }
    if ((record.level ?? 0) < 40) continue;
    const context = record.context ?? 'app';
    const seen = byContext.get(context);
    if (seen) seen.count++;
    else byContext.set(context, { count: 1, first: String(record.msg ?? '').slice(0, 140) });
  }
  for (const [context, { count, first }] of byContext) {
    process.stderr.write(`  logged ${count} warning(s)/error(s) from ${context}, first: ${first}\n`);
  }
}

function runInChild(entry: Entry, flags: string[], logDir: string): Promise<ChildReport> {
  const logFile = join(logDir, `${entry.name}.log`);
  const child = fork(__filename, [CHILD_FLAG, entry.name, ...flags], {
    cwd: resolve(__dirname, '..'),
    execArgv: [...process.execArgv, '--expose-gc'],
    env: {
      ...process.env,
      NODE_ENV: process.env.NODE_ENV ?? 'test',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      LOG_FILE: logFile,
      DATA_DIR: join(logDir, 'data'),
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((done) => {
    let report: ChildReport | undefined;
    child.on('message', (message: ChildReport) => {
      report = message;
    });
    child.on('exit', (code, signal) => {
      logProblems(logFile);
      done(report ?? { error: `child process exited (code ${code}, signal ${signal}) without figures` });
    });
  });
}

function printTable(
  sections: { name: string; seconds: number; figures: Figure[] }[],
  loadAtStart: number,
): void {
  const rows: string[][] = [];
  for (const section of sections) {
    rows.push([`[${section.name}, ${section.seconds.toFixed(0)} s]`, '', '', '']);
    for (const figure of section.figures) {
      rows.push([`  ${figure.name}`, formatValue(figure.value), figure.unit, figure.notes ?? '']);
    }
  }
  const header = ['figure', 'value', 'unit', 'notes'];
  const widths = header.map((title, column) =>
    column === 3 ? 0 : Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 1 ? cell.padStart(widths[column]) : column === 3 ? cell : cell.padEnd(widths[column]),
      )
      .join('  ')
      .trimEnd();
  const cpuList = cpus();
  const out = [
    '',
    `Machine: ${cpuList.length} CPUs (${cpuList[0]?.model.trim() ?? 'unknown'}), ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}; ` +
      new Date().toISOString().slice(0, 10),
    // Other work on the machine skews every figure; the load average says how much there was.
    `Load average (1 min): ${loadAtStart.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`,
    '',
    line(header),
    line(widths.map((width, column) => '-'.repeat(column === 3 ? 5 : width))),
    ...rows.map(line),
    '',
  ];
  process.stdout.write(out.join('\n'));
}

async function runParent(args: string[]): Promise<number> {
  const flags = args.filter((arg) => arg.startsWith('--'));
  // BENCH_ONLY=read,http does what `npm run bench -- read http` does.
  const only = (process.env.BENCH_ONLY ?? '').split(/[\s,]+/).filter(Boolean);
  const entries = select([...args.filter((arg) => !arg.startsWith('--')), ...only]);
  const loadAtStart = loadavg()[0];
  const logDir = mkdtempSync(join(tmpdir(), 'coursehub-bench-'));
  const sections: { name: string; seconds: number; figures: Figure[] }[] = [];
  let failures = 0;
  try {
    for (const entry of entries) {
      process.stderr.write(`${entry.name} …\n`);
      const started = performance.now();
      const report = await runInChild(entry, flags, logDir);
      const seconds = (performance.now() - started) / 1000;
      if (report.error) {
        failures++;
        process.stderr.write(`  ${entry.name} failed: ${report.error}\n`);
      }
      sections.push({
        name: entry.name,
        seconds,
        figures: report.figures ?? [
          { name: 'failed', value: Number.NaN, unit: '', notes: 'see the log above' },
        ],
      });
    }
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
  printTable(sections, loadAtStart);
  return failures === 0 ? 0 : 1;
}

const childIndex = process.argv.indexOf(CHILD_FLAG);
if (childIndex >= 0) {
  void runChild(process.argv[childIndex + 1]);
} else {
  runParent(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}

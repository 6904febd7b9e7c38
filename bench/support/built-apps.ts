import { findRepoRoot, NodeAppProcess } from '@coursehub/testing';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * For the benchmarks that run the built apps (`dist/`), as `npm start` and the images do:
 * `npm run build` first, unless BENCH_NO_BUILD=1. Returns the seconds it took, undefined when skipped.
 */
export function buildApps(): number | undefined {
  if (process.env.BENCH_NO_BUILD === '1') return undefined;
  const started = performance.now();
  execFileSync('npm', ['run', 'build'], { cwd: findRepoRoot(), stdio: 'ignore' });
  return (performance.now() - started) / 1000;
}

/** This environment without what would switch the platform from its embedded parts to servers. */
function embeddedOnly(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { KAFKA_BROKERS, DATABASE_URL, MONGO_URL, SMTP_URL, LOG_FILE, ...rest } = env;
  void [KAFKA_BROKERS, DATABASE_URL, MONGO_URL, SMTP_URL, LOG_FILE];
  return rest;
}

export interface BuiltPlatformOptions {
  dataDir: string;
  port: number;
  /** Its output, appended to (a restart writes on). */
  logFile: string;
  /** On top of embedded everything, e.g. DATABASE_URL for the local PostgreSQL. */
  env?: Record<string, string>;
}

/**
 * `node dist/apps/platform/src/main.js`, what `npm start` runs, with the harness's runtime
 * settings: on embedded infrastructure unless `env` says otherwise, logging at warn.
 */
export function startBuiltPlatform(options: BuiltPlatformOptions): NodeAppProcess {
  const root = findRepoRoot();
  return NodeAppProcess.start({
    name: 'platform',
    script: join(root, 'dist/apps/platform/src/main.js'),
    cwd: root,
    env: {
      ...embeddedOnly(process.env),
      DATA_DIR: options.dataDir,
      PORT: String(options.port),
      HOST: '127.0.0.1',
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    output: { logFile: options.logFile, append: true },
  });
}

/** Resident set size of a process, MiB (Linux /proc). */
export function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const kib = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib ? Number(kib) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

/** CPU time (user + system) a process has used, µs (Linux /proc). */
export function cpuMicrosOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  // After the command name in parentheses (which may hold spaces): state is field 3, utime 14, stime 15.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / USER_HZ) * 1_000_000;
}

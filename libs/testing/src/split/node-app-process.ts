import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { killOnExit } from '../kill-on-exit';

const TAIL_CHARS = 6_000;
const READY_POLL_MS = 200;
const READY_PROBE_TIMEOUT_MS = 2_000;
/**
 * How every app is run: by the images (Dockerfile `ENV`), by `npm start` and here, so that tests
 * and benchmarks measure what is deployed (test/delivery/dockerfile.int-spec.ts checks the three
 * agree). They cap memory that Node 24 would otherwise keep (`npm run bench -- platform split`):
 * - `--max-semi-space-size=16`: V8's young-generation semi-spaces at most 16 MiB, as on Node 20;
 *   Node 24 lets them grow, 25–300 MiB per process, for ~7 % more CPU on cached reads by id.
 * - `--expose-gc`: for the one memory-reducing collection before an app listens
 *   (`releaseStartupGarbage` in @coursehub/core): 30–60 MiB of start-up garbage released.
 * - `MALLOC_MMAP_THRESHOLD_`: glibc's mmap threshold fixed at its default, 128 KiB. Left dynamic,
 *   glibc raises it after a large block is freed, so later blocks of that size come from the heap
 *   and stay resident once freed: V8's optimising compile of PGlite's largest WASM function
 *   (~600 MB of compiler memory, briefly, at start-up) left ~90 MiB behind in the platform.
 */
export const APP_RUNTIME = {
  nodeFlags: ['--max-semi-space-size=16', '--expose-gc'],
  env: { MALLOC_MMAP_THRESHOLD_: '131072' },
} as const;

/**
 * Where a child's output goes: our stdout/stderr with each line prefixed by the app's name, or a log
 * file (replaced, or appended to with `append`, e.g. by a restarted app).
 */
export type AppOutput = 'inherit' | { logFile: string; append?: boolean };

export interface NodeAppOptions {
  /** Short name for output prefixes and error messages, e.g. `auth`. */
  name: string;
  /** The built entry point, e.g. `<repo>/dist/apps/auth/src/main.js`. */
  script: string;
  cwd: string;
  /** The child's whole environment (nothing else is inherited). */
  env: NodeJS.ProcessEnv;
  output: AppOutput;
  /** Width the name is padded to in prefixes, so the columns of several apps line up. */
  prefixWidth?: number;
}

export interface WaitReadyOptions {
  url: string;
  timeoutMs: number;
}

/** The repository root (the directory with nest-cli.json), found from this file in src/ or dist/. */
export function findRepoRoot(start = __dirname): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'nest-cli.json')) && existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`no nest-cli.json above ${start}: cannot find the CourseHub repository`);
    dir = parent;
  }
}

function appendTail(tail: string, chunk: Buffer | string): string {
  return (tail + chunk.toString()).slice(-TAIL_CHARS);
}

function prefixLines(input: Readable, output: Writable, prefix: string): void {
  const lines = createInterface({ input, crlfDelay: Infinity });
  lines.on('line', (line) => output.write(`${prefix}${line}\n`));
}

/**
 * One CourseHub app (`node dist/apps/<app>/src/main.js`) as a child process: its output prefixed or
 * logged, the last few KB of it kept for error messages, readiness polled over HTTP, and a stop
 * that sends SIGTERM (the apps drain on it) and SIGKILL only after a deadline.
 */
export class NodeAppProcess {
  private stdoutTail = '';
  private stderrTail = '';
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;
  private readonly logStream: WriteStream | undefined;
  private readonly exitListeners: ((code: number | null, signal: NodeJS.Signals | null) => void)[] = [];
  private stopping = false;
  private stopped?: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    output: AppOutput,
    prefixWidth: number,
  ) {
    const stdout = child.stdout!;
    const stderr = child.stderr!;
    stdout.on('data', (chunk: Buffer) => (this.stdoutTail = appendTail(this.stdoutTail, chunk)));
    stderr.on('data', (chunk: Buffer) => (this.stderrTail = appendTail(this.stderrTail, chunk)));
    if (output === 'inherit') {
      const prefix = `${name.padEnd(prefixWidth)} | `;
      prefixLines(stdout, process.stdout, prefix);
      prefixLines(stderr, process.stderr, prefix);
    } else {
      this.logStream = createWriteStream(output.logFile, { flags: output.append ? 'a' : 'w' });
      stdout.pipe(this.logStream, { end: false });
      stderr.pipe(this.logStream, { end: false });
    }
    child.once('exit', (code, signal) => {
      this.exitInfo = { code, signal };
      if (!this.stopping) for (const listener of this.exitListeners) listener(code, signal);
    });
    // 'close' comes after 'exit' once the output pipes are drained: the tail and log are complete.
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
  }

  static start(options: NodeAppOptions): NodeAppProcess {
    if (!existsSync(options.script)) {
      throw new Error(`${options.script} does not exist: build first (npm run build)`);
    }
    const env = { ...APP_RUNTIME.env, ...options.env };
    const child = spawn(process.execPath, [...APP_RUNTIME.nodeFlags, options.script], {
      cwd: options.cwd,
      // Colour codes only help on a terminal; log files and error messages stay plain.
      env: options.output === 'inherit' ? env : { NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    killOnExit(child);
    return new NodeAppProcess(
      options.name,
      child,
      options.output,
      options.prefixWidth ?? options.name.length,
    );
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** How the process ended; undefined while it runs. */
  get exitStatus(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exitInfo;
  }

  /** Called when the process ends without `stop()` having been asked for (a crash). */
  onUnexpectedExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void {
    this.exitListeners.push(listener);
  }

  /** The last lines the app wrote, stderr first: what explains a failed start. */
  outputTail(): string {
    const parts: string[] = [];
    if (this.stderrTail.trim())
      parts.push(`--- ${this.name} stderr (tail) ---\n${this.stderrTail.trimEnd()}`);
    if (this.stdoutTail.trim())
      parts.push(`--- ${this.name} stdout (tail) ---\n${this.stdoutTail.trimEnd()}`);
    return parts.length > 0 ? parts.join('\n') : `(${this.name} wrote nothing)`;
  }

  /**
   * Resolves once `url` answers 200; rejects when the process exits first or the time runs out,
   * with the last probe's answer and the app's output tail in the message.
   */
  async waitUntilReady({ url, timeoutMs }: WaitReadyOptions): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastAnswer: string;
    for (;;) {
      if (this.exitInfo) {
        const { code, signal } = this.exitInfo;
        throw new Error(
          `${this.name} exited before it was ready (code ${code}, signal ${signal})\n${this.outputTail()}`,
        );
      }
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(READY_PROBE_TIMEOUT_MS) });
        const body = await response.text();
        if (response.status === 200) return;
        lastAnswer = `${response.status} ${body.slice(0, 500)}`;
      } catch (error) {
        // fetch reports "fetch failed"; the reason (ECONNREFUSED while the app boots) is its cause.
        const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
        lastAnswer = `${(error as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`;
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `${this.name} was not ready within ${timeoutMs} ms (${url}: ${lastAnswer})\n${this.outputTail()}`,
        );
      }
      await Promise.race([new Promise((resolve) => setTimeout(resolve, READY_POLL_MS)), this.exited]);
    }
  }

  /**
   * Sends `signal` (default SIGKILL: a crash, no drain) and resolves once the process has exited.
   * Deliberate, so it does not count as an unexpected exit.
   */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.stopping = true;
    if (!this.exitInfo) this.child.kill(signal);
    await this.exited;
    await this.closeLog();
  }

  /**
   * SIGTERM, then SIGKILL if the app has not exited after `timeoutMs`; resolves once it has exited.
   * Asked again while stopping, it waits for the same stop rather than signalling again.
   */
  stop(timeoutMs = 15_000): Promise<void> {
    this.stopped ??= this.stopOnce(timeoutMs);
    return this.stopped;
  }

  private async stopOnce(timeoutMs: number): Promise<void> {
    this.stopping = true;
    if (!this.exitInfo) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
      await this.exited;
      clearTimeout(timer);
    }
    await this.closeLog();
  }

  private async closeLog(): Promise<void> {
    const stream = this.logStream;
    if (stream && !stream.writableEnded) await new Promise<void>((resolve) => stream.end(resolve));
  }
}

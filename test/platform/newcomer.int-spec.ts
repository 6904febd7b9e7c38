/**
 * A newcomer's first minutes with the built platform (`node dist/apps/platform/src/main.js`, as
 * `npm start` runs it, on embedded infrastructure and a non-default DATA_DIR): a busy port or a bad
 * variable is one clear line and exit 1; the README's curl session (scripts/try-it.sh, shown there
 * verbatim) runs twice without an error; the dev mailbox still has its e-mails after a restart.
 */
import { findFreePorts } from '@coursehub/embedded';
import { NodeAppProcess } from '@coursehub/testing';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const repoRoot = resolve(__dirname, '..', '..');
const PLATFORM = join(repoRoot, 'dist/apps/platform/src/main.js');
const AUTH = join(repoRoot, 'dist/apps/auth/src/main.js');

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a built entry to its end (it is expected to fail at start-up). */
function runToExit(script: string, env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<Exit> {
  const started = performance.now();
  return new Promise((resolveExit, reject) => {
    const child = spawn(process.execPath, [script], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} still running after ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolveExit({ code, stdout, stderr, ms: Math.round(performance.now() - started) });
    });
  });
}

/**
 * Runs the README session with `bash -e -o pipefail` (the first failing command ends the run; pasted
 * into a shell it just shows its error). Asynchronous: the platform's output keeps being read meanwhile.
 */
async function runSession(url: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(
      'bash',
      ['-e', '-o', 'pipefail', join(repoRoot, 'scripts/try-it.sh')],
      {
        cwd: tmpdir(), // not the repository: nothing may rely on ./data
        env: { ...process.env, COURSEHUB_URL: url, ADMIN_EMAIL: '', ADMIN_PASSWORD: '' },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    return { status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number | null; stdout: string; stderr: string };
    return { status: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('a newcomer starting the platform', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'coursehub-newcomer-'));
  const baseEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', NO_COLOR: '1' };
  for (const variable of [
    'DATABASE_URL',
    'MONGO_URL',
    'SMTP_URL',
    'KAFKA_BROKERS',
    'ADMIN_EMAIL',
    'ADMIN_PASSWORD',
  ]) {
    delete baseEnv[variable];
  }

  beforeAll(() => {
    execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'pipe' });
  }, 120_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  describe('fails fast and clearly', () => {
    let busy: Server;
    let port: number;

    beforeAll(async () => {
      [port] = await findFreePorts(1);
      busy = createServer();
      await new Promise<void>((resolveListen) => busy.listen(port, '0.0.0.0', resolveListen));
    });

    afterAll(() => new Promise<void>((resolveClose) => busy.close(() => resolveClose())));

    it('exits 1 within 2 s naming the busy port, before touching DATA_DIR', async () => {
      const dataDir = join(scratch, 'busy-port-data');
      const exit = await runToExit(PLATFORM, { ...baseEnv, PORT: String(port), DATA_DIR: dataDir });
      console.log(`platform on busy port ${port}: exit ${exit.code} after ${exit.ms} ms`);
      expect(exit.code).toBe(1);
      expect(exit.ms).toBeLessThan(2_000);
      const lines = exit.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0])).toMatchObject({
        level: 60,
        msg: `Start-up failed: port ${port} is in use — set PORT to a free port (or stop what listens on ${port})`,
      });
      expect(exit.stdout).toBe('');
      expect(() => readFileSync(join(dataDir, 'coursehub.lock'))).toThrow();
    });

    it('a microservice checks its port before connecting anything, with the same message', async () => {
      const exit = await runToExit(AUTH, {
        ...baseEnv,
        PORT: String(port),
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/unreachable',
        KAFKA_BROKERS: '127.0.0.1:1',
        JWT_PRIVATE_KEY_FILE: '',
        DATA_DIR: join(scratch, 'auth-data'),
      });
      console.log(`auth service on busy port ${port}: exit ${exit.code} after ${exit.ms} ms`);
      expect(exit.code).toBe(1);
      const lines = exit.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0])).toMatchObject({
        msg: expect.stringContaining(`port ${port} is in use — set PORT`),
      });
      expect(lines[0]).not.toMatch(/\bat .*\(.*:\d+:\d+\)/); // no stack trace
    });

    it('a malformed variable is one line naming it, without a stack trace', async () => {
      const [free] = await findFreePorts(1);
      const exit = await runToExit(PLATFORM, {
        ...baseEnv,
        PORT: String(free),
        DATA_DIR: join(scratch, 'bad-config-data'),
        LOG_LEVEL: 'loud',
      });
      expect(exit.code).toBe(1);
      const lines = exit.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      const line = JSON.parse(lines[0]) as { msg: string; stack?: string };
      expect(line.msg).toMatch(/^Start-up failed: Invalid configuration:\n {2}- LOG_LEVEL: /);
      expect(line.stack).toBeUndefined();
    }, 90_000);
  });

  describe('with DATA_DIR elsewhere', () => {
    const dataDir = join(scratch, 'custom data dir'); // a space too: quoting must hold
    let url: string;
    let platform: NodeAppProcess | undefined;
    let env: NodeJS.ProcessEnv;
    const logFile = join(scratch, 'platform.log');

    async function startPlatform(append: boolean): Promise<NodeAppProcess> {
      const started = NodeAppProcess.start({
        name: 'platform',
        script: PLATFORM,
        cwd: repoRoot,
        env,
        output: { logFile, append },
      });
      await started.waitUntilReady({ url, timeoutMs: 180_000 });
      return started;
    }

    beforeAll(async () => {
      const [port] = await findFreePorts(1);
      url = `http://127.0.0.1:${port}`;
      env = { ...baseEnv, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info' };
      platform = await startPlatform(false);
    }, 240_000);

    afterAll(async () => {
      await platform?.stop();
    });

    it('answers / and /dev/mailbox with HTML for a browser and JSON when asked', async () => {
      for (const path of ['/', '/dev/mailbox']) {
        const page = await fetch(`${url}${path}`, { headers: { accept: 'text/html' } });
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toMatch(/^text\/html/);
        const json = await fetch(`${url}${path}`, { headers: { accept: 'application/json' } });
        expect(json.status).toBe(200);
        expect(json.headers.get('content-type')).toMatch(/^application\/json/);
      }
      const summary = (await (
        await fetch(`${url}/`, { headers: { accept: 'application/json' } })
      ).json()) as {
        admin: { email: string; passwordFile: string };
      };
      expect(summary.admin).toEqual({
        email: 'admin@coursehub.local',
        passwordFile: join(dataDir, 'admin-password'),
      });
    });

    it('runs the README curl session twice without an error', async () => {
      for (const run of [1, 2]) {
        const result = await runSession(url);
        if (result.status !== 0) {
          throw new Error(`run ${run} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
        }
        expect(result.stderr).toBe('');
        expect(result.stdout).toMatch(/You are enrolled: Practical PostgreSQL \d+/);
        expect(result.stdout).not.toMatch(/"statusCode":\s*[45]\d\d/);
      }
    }, 300_000);

    it('logs one access line per request, and no framework chatter at info', async () => {
      await new Promise((resolveWait) => setTimeout(resolveWait, 500)); // the last lines through the pipe
      const lines = readFileSync(logFile, 'utf8').split('\n');
      const json = lines
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(
        json.filter((line) =>
          ['InstanceLoader', 'RoutesResolver', 'RouterExplorer'].includes(String(line.context)),
        ),
      ).toEqual([]);
      const access = json.filter((line) => line.context === 'HTTP');
      if (!access.some((line) => line.path === '/orders')) console.log(lines.slice(-60).join('\n'));
      expect(
        access.some((line) => line.method === 'POST' && line.path === '/orders' && line.statusCode === 201),
      ).toBe(true);
      expect(
        access.every((line) => typeof line.requestId === 'string' && typeof line.durationMs === 'number'),
      ).toBe(true);
      expect(access.filter((line) => String(line.path).startsWith('/health'))).toEqual([]);
      // Nothing but JSON lines and the banner: no coloured text.
      expect(lines.filter((line) => line.includes('\u001b['))).toEqual([]);
    });

    it('keeps the dev mailbox across a restart', async () => {
      const before = (await (
        await fetch(`${url}/dev/mailbox`, { headers: { accept: 'application/json' } })
      ).json()) as {
        id: string;
      }[];
      expect(before.length).toBeGreaterThanOrEqual(6);
      await platform?.stop();
      platform = await startPlatform(true);
      const after = (await (
        await fetch(`${url}/dev/mailbox`, { headers: { accept: 'application/json' } })
      ).json()) as {
        id: string;
      }[];
      expect(after.map((entry) => entry.id)).toEqual(before.map((entry) => entry.id));
    }, 240_000);

    it('shows the README curl session verbatim (scripts/try-it.sh)', () => {
      const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
      const script = readFileSync(join(repoRoot, 'scripts/try-it.sh'), 'utf8');
      // Not toContain: its failure message would print the whole README.
      const verbatim = readme.includes(`\`\`\`sh\n${script}\`\`\``);
      if (!verbatim) console.log('README.md does not show scripts/try-it.sh verbatim in a ```sh block');
      expect(verbatim).toBe(true);
    });
  });
});

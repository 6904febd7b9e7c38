import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA_DIR_LOCK_FILE, DataDirLockedError, lockDataDir, preparePlatformEnvironment } from '../src';

/** A real second process holding the data directory through the platform's own start-up step. */
function holdInChild(dataDir: string, port: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      '@swc-node/register',
      '-e',
      "require('./libs/embedded/src/platform/platform-environment.ts').preparePlatformEnvironment(process.env); console.log('LOCKED'); setInterval(() => {}, 1000);",
    ],
    {
      env: { ...process.env, DATA_DIR: dataDir, PORT: port, ADMIN_EMAIL: 'a@b.c', ADMIN_PASSWORD: 'x' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('LOCKED')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
}

describe('DATA_DIR lock of the platform', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'coursehub-data-dir-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a second process on the same DATA_DIR, naming the holder pid and port', async () => {
    const holder = await holdInChild(dataDir, '43210');
    try {
      let refusal: unknown;
      try {
        preparePlatformEnvironment({ DATA_DIR: dataDir, ADMIN_EMAIL: 'a@b.c', ADMIN_PASSWORD: 'x' });
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(DataDirLockedError);
      expect((refusal as Error).message).toContain(`process ${holder.pid}`);
      expect((refusal as Error).message).toContain('port 43210');
      process.stdout.write(`[data-dir lock] holder=${holder.pid} refused=true\n`);
    } finally {
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));
    }
    // Killed without releasing: the lock is stale now and the next start takes it over.
    expect(existsSync(join(dataDir, DATA_DIR_LOCK_FILE))).toBe(true);
    const environment = preparePlatformEnvironment({
      DATA_DIR: dataDir,
      ADMIN_EMAIL: 'a@b.c',
      ADMIN_PASSWORD: 'x',
    });
    expect(JSON.parse(readFileSync(environment.lock.file, 'utf8'))).toMatchObject({ pid: process.pid });
    environment.lock.release();
    expect(existsSync(join(dataDir, DATA_DIR_LOCK_FILE))).toBe(false);
  }, 30_000);

  it('takes over a lock whose process is gone, records the port, and releases it', async () => {
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.once('exit', resolve));
    writeFileSync(
      join(dataDir, DATA_DIR_LOCK_FILE),
      JSON.stringify({ pid: dead.pid, port: 3000, startedAt: '2020-01-01T00:00:00.000Z' }),
    );
    const lock = lockDataDir(dataDir, { port: 3000 });
    lock.setPort(45678);
    expect(JSON.parse(readFileSync(lock.file, 'utf8'))).toMatchObject({ pid: process.pid, port: 45678 });
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
    // Free again: taken at once.
    lockDataDir(dataDir).release();
  });
});

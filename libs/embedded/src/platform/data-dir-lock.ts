import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DATA_DIR_LOCK_FILE = 'coursehub.lock';

/** Who holds a data directory. */
export interface DataDirHolder {
  pid: number;
  port: number | string | null;
  startedAt: string;
}

/** A second platform on the same DATA_DIR: two PGlite instances on one cluster would corrupt it. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: DataDirHolder,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by another CourseHub platform: process ${holder.pid}` +
        `${holder.port !== null ? `, port ${holder.port}` : ''} (since ${holder.startedAt}). ` +
        `Stop it first, or start this one with another DATA_DIR. ` +
        `(If process ${holder.pid} is not CourseHub, delete ${join(dataDir, DATA_DIR_LOCK_FILE)}.)`,
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly file: string;
  /** Records the port actually listened on (shown to a second process). */
  setPort(port: number | string): void;
  /** Gives the directory up (also done on exit). */
  release(): void;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): DataDirHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Partial<DataDirHolder>;
    return typeof holder.pid === 'number'
      ? { pid: holder.pid, port: holder.port ?? null, startedAt: holder.startedAt ?? 'unknown' }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the platform's data directory for this process: `<dataDir>/coursehub.lock`, created
 * exclusively, holding the pid and port. A live holder makes this throw DataDirLockedError naming
 * it; a lock left by a dead process (crash, kill -9) is taken over. Released on exit.
 */
export function lockDataDir(dataDir: string, options: { port?: number | string | null } = {}): DataDirLock {
  const file = join(dataDir, DATA_DIR_LOCK_FILE);
  const mine: DataDirHolder = {
    pid: process.pid,
    port: options.port ?? null,
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, `${JSON.stringify(mine)}\n`, { flag: 'wx', mode: 0o644 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw error;
    }
    const holder = readHolder(file);
    if (holder && holder.pid !== process.pid && isAlive(holder.pid))
      throw new DataDirLockedError(dataDir, holder);
    if (!holder && attempt === 0) {
      // Being written by a process that just created it: look again before calling it stale.
      const waitUntil = Date.now() + 200;
      while (Date.now() < waitUntil) {
        /* spin briefly: start-up path, once */
      }
      continue;
    }
    // Stale (dead pid, our own pid after a restart in-place, or unreadable): take it over.
    try {
      unlinkSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    if (readHolder(file)?.pid === process.pid) {
      try {
        unlinkSync(file);
      } catch {
        // Already gone.
      }
    }
  };
  process.on('exit', release);
  return {
    file,
    setPort: (port) => {
      if (released) return;
      mine.port = port;
      writeFileSync(file, `${JSON.stringify(mine)}\n`);
    },
    release,
  };
}

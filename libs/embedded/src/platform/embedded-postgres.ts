import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { execFile } from 'node:child_process';
import {
  accessSync,
  constants,
  readdirSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { findFreePorts } from '../net/free-ports';

/**
 * Settings of every embedded cluster. PostgreSQL's defaults size shared memory for a server
 * (shared_buffers 128 MB, which PGlite initialises, hence resident, per instance); a development
 * database of a few thousand rows per feature needs a fraction, and the file system cache holds the rest.
 * WASM memory never shrinks, so every buffer PostgreSQL touches once (sorts, index builds during
 * migrations) stays resident too: small work and maintenance memory keep those peaks small.
 * 4 MB of shared buffers instead of 8: 12 MiB less RSS for the platform's three instances right
 * after start-up (migrations fill them), and a cap on what use adds later.
 */
const EMBEDDED_POSTGRESQL_CONF = [
  'shared_buffers = 4MB',
  'wal_buffers = 256kB',
  'work_mem = 1MB',
  'maintenance_work_mem = 1MB',
  'temp_buffers = 1MB',
];

/** Where PGlite is installed: its WASM binary is compiled once per process from here. */
function pglitePackageDir(): string {
  // `dist/index.cjs` → the package's root.
  return dirname(dirname(require.resolve('@electric-sql/pglite')));
}

type WasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>;
/** Node's global WebAssembly (the project's TypeScript libs do not declare it). */
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> } })
  .WebAssembly;

let compiledModule: Promise<WasmModule> | undefined;

/** The PostgreSQL WASM module, compiled once and shared by every instance of the process. */
function pgliteWasmModule(): Promise<WasmModule> {
  compiledModule ??= readFile(join(pglitePackageDir(), 'dist', 'pglite.wasm')).then((bytes) =>
    wasm.compile(bytes),
  );
  return compiledModule;
}

/**
 * initdb on disk, in a child process of its own: it leaves the process that ran it with several
 * hundred megabytes of resident WASM memory, which then goes away with the child.
 */
const INITDB_SCRIPT = `
const { PGlite } = require(process.argv[1]);
(async () => {
  const db = await PGlite.create(process.argv[2]);
  // Written out now, so a copy starts without replaying initdb's WAL.
  await db.exec('CHECKPOINT');
  await db.close();
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

/**
 * An initialised cluster on disk that new clusters are copied from (a file copy, no WASM work):
 * what `initialisedTemplate` returns. Only clusters on disk can start from it.
 */
class ClusterDirectory extends Blob {
  constructor(readonly directory: string) {
    super([]);
  }
}

export interface EmbeddedPostgresOptions {
  /** Directory that keeps the database across restarts; omit for an in-memory database. */
  dataDir?: string;
  host?: string;
  port?: number;
  /** Start a new cluster from this copy of an initialised one (see `initialisedTemplate`). */
  template?: File | Blob;
}

/**
 * Real PostgreSQL (PGlite, compiled to WASM) served over the Postgres wire protocol, so the
 * services keep the plain `pg` driver. One PGlite instance is one database session: it takes a
 * single connection, and whoever connects must use a pool of one (`DATABASE_POOL_SIZE=1`).
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly url: string,
  ) {}

  /**
   * A freshly initialised cluster to start new ones from. initdb is the slow part of a first start
   * (3 s or more per instance here, and hundreds of MB of memory): it runs once per installation
   * of PGlite, in a child process, into `node_modules/.cache/coursehub`, and every new cluster on
   * disk is a copy of it (see `npm run bench -- pglite` and `-- platform`).
   */
  static async initialisedTemplate(): Promise<File | Blob> {
    const cached = cachedClusterDirectory();
    if (cached && EmbeddedPostgres.isInitialised(cached)) return new ClusterDirectory(cached);
    const target = cached ?? join(tmpdir(), `coursehub-pglite-initdb-${process.pid}`);
    const partial = `${target}.${process.pid}.partial`;
    try {
      rmSync(partial, { recursive: true, force: true });
      await promisify(execFile)(
        process.execPath,
        ['-e', INITDB_SCRIPT, require.resolve('@electric-sql/pglite'), partial],
        { maxBuffer: 1 << 20 },
      );
      try {
        renameSync(partial, target);
      } catch {
        // Another process cached it meanwhile (kept: it may be copying from it), or a broken leftover.
        if (!EmbeddedPostgres.isInitialised(target)) {
          rmSync(target, { recursive: true, force: true });
          renameSync(partial, target);
        }
      }
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
    // Not cacheable (read-only install): this process's copy goes when it exits.
    if (!cached) process.once('exit', () => rmSync(target, { recursive: true, force: true }));
    return new ClusterDirectory(target);
  }

  /** Whether `dataDir` already holds a cluster (so no template is needed to start it). */
  static isInitialised(dataDir: string): boolean {
    return existsSync(join(dataDir, 'PG_VERSION'));
  }

  static async start(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
    const host = options.host ?? '127.0.0.1';
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    const fresh = options.dataDir === undefined || !EmbeddedPostgres.isInitialised(options.dataDir);
    let template = fresh ? options.template : undefined;
    if (template instanceof ClusterDirectory) {
      // On disk: a copy of the initialised cluster; in memory, initdb as without a template.
      if (options.dataDir) await copyCluster(template.directory, options.dataDir);
      template = undefined;
    }
    const db = await PGlite.create(options.dataDir, {
      loadDataDir: template,
      // The course feature's typo-tolerant search (CREATE EXTENSION pg_trgm in its migrations).
      extensions: { pg_trgm },
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- WebAssembly.Module: not in the project's TS libs
      pgliteWasmModule: await pgliteWasmModule(),
      postgresqlconf: EMBEDDED_POSTGRESQL_CONF,
    });
    const port = options.port ?? (await findFreePorts(1, host))[0];
    const server = new PGLiteSocketServer({ db, host, port, maxConnections: 1 });
    await server.start();
    return new EmbeddedPostgres(db, server, `postgres://postgres@${host}:${port}/postgres`);
  }

  async stop(): Promise<void> {
    await this.server.stop();
    // The next start then has no WAL to replay (PGlite's close does not checkpoint).
    await this.db.exec('CHECKPOINT').catch(() => undefined);
    await this.db.close();
  }
}

/**
 * The initialised cluster of this PGlite version, cached beside the installed packages
 * (`node_modules/.cache/coursehub`): initdb is the same for every fresh DATA_DIR, so it runs once
 * per installation. Undefined when the cache directory cannot be written.
 */
function cachedClusterDirectory(): string | undefined {
  try {
    const packageDir = pglitePackageDir();
    const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
      version: string;
    };
    const directory = join(dirname(dirname(packageDir)), '.cache', 'coursehub');
    mkdirSync(directory, { recursive: true });
    accessSync(directory, constants.W_OK);
    return join(directory, `pglite-${version}-cluster-checkpointed`);
  } catch {
    return undefined;
  }
}

/** Files copied at once: a cluster is about a thousand small files, copied on libuv's threads. */
const COPY_CONCURRENCY = 16;

/** Copies a cluster directory (`cp -r`, with several files in flight instead of one after the other). */
async function copyCluster(from: string, to: string): Promise<void> {
  const files: string[] = [];
  for (const entry of readdirSync(from, { recursive: true, withFileTypes: true })) {
    const relative = join(entry.parentPath, entry.name).slice(from.length + 1);
    if (entry.isDirectory()) mkdirSync(join(to, relative), { recursive: true });
    else files.push(relative);
  }
  let next = 0;
  const copyNext = async (): Promise<void> => {
    while (next < files.length) {
      const relative = files[next++];
      await copyFile(join(from, relative), join(to, relative));
    }
  };
  await Promise.all(Array.from({ length: COPY_CONCURRENCY }, copyNext));
}

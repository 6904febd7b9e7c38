import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { findFreePorts } from '../net/free-ports';

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
   * A freshly initialised cluster as a tarball. initdb on disk is the slow part of a first start
   * (3 s or more per instance here): it runs once in memory, and every new instance starts from
   * this copy (under 1 s each; see `npm run bench -- pglite`).
   */
  static async initialisedTemplate(): Promise<File | Blob> {
    const db = await PGlite.create();
    try {
      return await db.dumpDataDir('none');
    } finally {
      await db.close();
    }
  }

  /** Whether `dataDir` already holds a cluster (so no template is needed to start it). */
  static isInitialised(dataDir: string): boolean {
    return existsSync(join(dataDir, 'PG_VERSION'));
  }

  static async start(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
    const host = options.host ?? '127.0.0.1';
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    const fresh = options.dataDir === undefined || !EmbeddedPostgres.isInitialised(options.dataDir);
    const db = await PGlite.create(options.dataDir, {
      loadDataDir: fresh ? options.template : undefined,
      // The course feature's typo-tolerant search (CREATE EXTENSION pg_trgm in its migrations).
      extensions: { pg_trgm },
    });
    const port = options.port ?? (await findFreePorts(1, host))[0];
    const server = new PGLiteSocketServer({ db, host, port, maxConnections: 1 });
    await server.start();
    return new EmbeddedPostgres(db, server, `postgres://postgres@${host}:${port}/postgres`);
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
  }
}

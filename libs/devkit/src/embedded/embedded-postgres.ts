import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdirSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';

export interface EmbeddedPostgresOptions {
  /** Directory that keeps the database across restarts; omit for an in-memory database. */
  dataDir?: string;
  host?: string;
  port?: number;
}

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
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

  static async start(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
    const host = options.host ?? '127.0.0.1';
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    const db = await PGlite.create(options.dataDir);
    const port = options.port ?? (await freePort(host));
    const server = new PGLiteSocketServer({ db, host, port, maxConnections: 1 });
    await server.start();
    return new EmbeddedPostgres(db, server, `postgres://postgres@${host}:${port}/postgres`);
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
  }
}

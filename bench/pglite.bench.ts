import { EmbeddedPostgres } from '@coursehub/embedded';
import { createTemporaryDatabase, TemporaryDatabase } from '@coursehub/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { Benchmark, Figure } from './support/figures';
import { postgresServerUrl } from './support/infrastructure';

/*
 * The embedded PostgreSQL of `npm start` (PGlite in WASM behind the wire protocol, one session,
 * so a pool of one) as the platform's features use it: single-row statements through `pg`. The
 * same statements on the local PostgreSQL server, also with a pool of one, give the scale. Then
 * the start of a fresh on-disk cluster, with and without the in-memory initialised template.
 */

const PHASE_MS = 3_000;

interface Rates {
  insertsPerSecond: number;
  selectsPerSecond: number;
}

/** Runs `operation` back to back for PHASE_MS; returns operations per second. */
async function rate(operation: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  let count = 0;
  while (performance.now() - started < PHASE_MS) await operation(count++);
  return count / ((performance.now() - started) / 1000);
}

async function measureStatements(url: string): Promise<Rates> {
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    await pool.query(
      'CREATE TABLE bench_items (id int PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
    );
    // Warm-up: plans cached, WASM code paths compiled.
    for (let i = 0; i < 200; i++) await pool.query('SELECT 1');
    const insertsPerSecond = await rate((i) =>
      pool.query('INSERT INTO bench_items (id, name) VALUES ($1, $2)', [i, `item ${i}`]),
    );
    const [{ n }] = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_items')).rows;
    const selectsPerSecond = await rate((i) =>
      pool.query('SELECT id, name, created_at FROM bench_items WHERE id = $1', [(i * 7919) % n]),
    );
    return { insertsPerSecond, selectsPerSecond };
  } finally {
    await pool.end();
  }
}

/** Milliseconds from nothing to the first answered query, and from a stop to a restart on the same directory. */
async function coldStart(template?: File | Blob): Promise<{ startMs: number; restartMs: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'coursehub-bench-pglite-'));
  try {
    const firstQuery = async () => {
      const started = performance.now();
      const postgres = await EmbeddedPostgres.start({ dataDir, template });
      const pool = new Pool({ connectionString: postgres.url, max: 1 });
      try {
        await pool.query('SELECT 1');
        return performance.now() - started;
      } finally {
        await pool.end();
        await postgres.stop();
      }
    };
    const startMs = await firstQuery();
    const restartMs = await firstQuery();
    return { startMs, restartMs };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const pgliteBenchmark: Benchmark = async (log) => {
  // Starts first, so that the first one pays for loading PGlite's WASM as `npm start` does.
  const firstBare = await coldStart();
  const templateStarted = performance.now();
  const template = await EmbeddedPostgres.initialisedTemplate();
  const templateMs = performance.now() - templateStarted;
  const fromTemplate = await coldStart(template);
  const bare = await coldStart();
  log(
    `  fresh on-disk cluster: ${(bare.startMs / 1000).toFixed(1)} s without template, ` +
      `${(fromTemplate.startMs / 1000).toFixed(1)} s from template`,
  );
  const figures: Figure[] = [
    {
      name: 'cold start, fresh on-disk, no template',
      value: bare.startMs / 1000,
      unit: 's',
      notes: `initdb on disk → first query; first in the process (+ WASM load): ${(firstBare.startMs / 1000).toFixed(1)} s`,
    },
    {
      name: 'cold start, fresh on-disk, from template',
      value: fromTemplate.startMs / 1000,
      unit: 's',
      notes: 'cached initialised cluster copied → first query',
    },
    {
      name: 'initialisedTemplate()',
      value: templateMs / 1000,
      unit: 's',
      notes: 'cached in node_modules/.cache/coursehub after the first (initdb in a child process)',
    },
    {
      name: 'restart, existing on-disk cluster',
      value: fromTemplate.restartMs / 1000,
      unit: 's',
      notes: 'stop → start on the same directory → first query',
    },
  ];

  const note = `pg pool of 1, ${PHASE_MS / 1000} s each`;
  const embedded = await EmbeddedPostgres.start();
  let pglite: Rates;
  try {
    pglite = await measureStatements(embedded.url);
  } finally {
    await embedded.stop();
  }
  log(
    `  PGlite in memory: ${pglite.insertsPerSecond.toFixed(0)} inserts/s, ${pglite.selectsPerSecond.toFixed(0)} selects/s`,
  );
  figures.push(
    { name: 'PGlite (memory) PK select', value: pglite.selectsPerSecond, unit: 'ops/s', notes: note },
    {
      name: 'PGlite (memory) insert',
      value: pglite.insertsPerSecond,
      unit: 'ops/s',
      notes: 'single-row, autocommit',
    },
  );

  let database: TemporaryDatabase | undefined;
  try {
    database = await createTemporaryDatabase('bench_pglite_reference', postgresServerUrl());
    const server = await measureStatements(database.url);
    figures.push(
      {
        name: 'PostgreSQL server PK select',
        value: server.selectsPerSecond,
        unit: 'ops/s',
        notes: 'reference: local server, same statements and pool',
      },
      {
        name: 'PostgreSQL server insert',
        value: server.insertsPerSecond,
        unit: 'ops/s',
        notes: 'reference: local server, its fsync settings',
      },
    );
  } finally {
    await database?.drop();
  }
  return figures;
};

import { createTemporaryDatabase, TemporaryDatabase } from '@coursehub/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { startLedgerApp } from './ledger-test-app';
import { report } from './support';

/** Two replicas starting at the same moment on an empty database: the migration lock serialises them. */
describe('migrations of two replicas started together', () => {
  let database: TemporaryDatabase;
  const apps: NestFastifyApplication[] = [];
  const logFile = join(tmpdir(), `coursehub-migrations-${process.pid}.log`);

  beforeAll(async () => {
    database = await createTemporaryDatabase('migrations_test');
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await database?.drop();
    rmSync(logFile, { force: true });
  });

  it('starts both, ready, with each migration run once', async () => {
    const started = Date.now();
    const env = { DATABASE_URL: database.url, LOG_FILE: logFile, LOG_LEVEL: 'warn' };
    const replicas = await Promise.all([
      startLedgerApp('in-process', env, { title: 'replica 1' }),
      startLedgerApp('in-process', env, { title: 'replica 2' }),
    ]);
    apps.push(...replicas.map((replica) => replica.app));
    const statuses = await Promise.all(
      replicas.map(async (replica) => (await fetch(`${replica.url}/health/ready`)).status),
    );
    expect(statuses).toEqual([200, 200]);
    const dataSource = apps[0].get<DataSource>(getDataSourceToken('ledger'));
    const runs = await dataSource.query<{ name: string; runs: number }[]>(
      'SELECT name, count(*)::int AS runs FROM migrations GROUP BY name ORDER BY name',
    );
    const expected = dataSource.migrations
      .map((migration) => migration.name ?? migration.constructor.name)
      .sort();
    expect(runs.map((row) => row.name)).toEqual(expected);
    expect(runs.every((row) => row.runs === 1)).toBe(true);
    report('concurrent migrations', {
      replicas: replicas.length,
      ready: statuses.filter((status) => status === 200).length,
      migrations: runs.length,
      runs: runs.reduce((sum, row) => sum + row.runs, 0),
      ms: Date.now() - started,
    });
  }, 60_000);
});

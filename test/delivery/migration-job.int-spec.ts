/*
 * The migration Job's entry point (`node dist/apps/<app>/src/migrate.js`, here run from source
 * with swc) against a temporary PostgreSQL database, and the service started with
 * DATABASE_MIGRATIONS=skip: it refuses an unmigrated database and starts on a migrated one.
 */
import { createTemporaryDatabase, TemporaryDatabase, TestTokenIssuer } from '@coursehub/testing';
import { createRootModule, startApp } from '@coursehub/messaging';
import { OrderModule } from '@coursehub/order';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { repoRoot } from './support';

const execFileAsync = promisify(execFile);

const databases: TemporaryDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

async function temporaryDatabase(): Promise<TemporaryDatabase> {
  const database = await createTemporaryDatabase('migration_job');
  databases.push(database);
  return database;
}

async function query<Row>(url: string, sql: string): Promise<Row[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Row[];
  } finally {
    await client.end();
  }
}

/** The Job's command, from source: the same module the image runs compiled. */
async function runMigrationJob(
  app: string,
  databaseUrl: string,
): Promise<{ status: number; stdout: string }> {
  try {
    const { stdout } = await execFileAsync(
      process.execPath,
      ['-r', '@swc-node/register', `apps/${app}/src/migrate.ts`],
      {
        cwd: repoRoot,
        env: { ...process.env, DATABASE_URL: databaseUrl },
        timeout: 60_000,
      },
    );
    return { status: 0, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return { status: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '' };
  }
}

function startOrderService(databaseUrl: string, migrations: 'run' | 'skip') {
  return startApp(
    createRootModule({
      service: 'order',
      transport: 'in-process',
      features: [OrderModule.register()],
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        DATABASE_MIGRATIONS: migrations,
        JWT_PUBLIC_KEY: new TestTokenIssuer().publicKeyPem,
        LOG_LEVEL: 'silent',
      },
    }),
    { title: 'order', listenOn: { port: 0, host: '127.0.0.1' } },
  );
}

describe('the migration Job entry point', () => {
  it('migrates the auth, course and order databases, then finds them up to date', async () => {
    const apps = ['auth', 'course', 'order'];
    const targets = await Promise.all(
      apps.map(async (app) => ({ app, database: await temporaryDatabase() })),
    );
    // The three Jobs at once, as three releases upgraded together would run them.
    const first = await Promise.all(targets.map(({ app, database }) => runMigrationJob(app, database.url)));
    for (const [index, result] of first.entries()) {
      expect([apps[index], result.status]).toEqual([apps[index], 0]);
      const line = JSON.parse(result.stdout.trim().split('\n').pop()!) as { level: string; msg: string };
      expect(line).toMatchObject({
        level: 'info',
        msg: expect.stringMatching(/^Database \w+: migrations run: /),
      });
    }
    for (const { database } of targets) {
      const migrations = await query<{ name: string }>(
        database.url,
        'SELECT name FROM migrations ORDER BY id',
      );
      expect(migrations.length).toBeGreaterThanOrEqual(3); // the messaging tables' and the feature's own
      const tables = await query<{ table_name: string }>(
        database.url,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      expect(tables.map((row) => row.table_name)).toEqual(expect.arrayContaining(['outbox_messages']));
    }

    const again = await runMigrationJob('order', targets[2].database.url);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/Database order: up to date/);
  }, 90_000);

  it('exits 1 with the reason when the database cannot be reached', async () => {
    const result = await runMigrationJob('order', 'postgres://nobody@127.0.0.1:1/none');
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/"level":"fatal".*Migrations failed/);
  }, 60_000);
});

describe('a service started with DATABASE_MIGRATIONS=skip', () => {
  it('refuses to start while migrations are pending, naming them and the Job', async () => {
    const database = await temporaryDatabase();
    // The service's own entry point: Nest ends the process on a failed start, so it runs apart.
    const started = spawnSync(process.execPath, ['-r', '@swc-node/register', 'apps/order/src/main.ts'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: database.url,
        DATABASE_MIGRATIONS: 'skip',
        KAFKA_BROKERS: '127.0.0.1:1',
        JWT_PUBLIC_KEY: new TestTokenIssuer().publicKeyPem,
        PORT: '0',
      },
    });
    expect(started.status).toBe(1);
    expect(started.stdout + started.stderr).toMatch(
      /migration\(s\) pending \(CreateMessagingTables\d+.*\) and DATABASE_MIGRATIONS=skip: run the migration Job/,
    );
    expect(await query(database.url, "SELECT to_regclass('public.migrations') AS t")).toEqual([{ t: null }]);
  }, 60_000);

  it('starts on a database the Job migrated, without migrating', async () => {
    const database = await temporaryDatabase();
    expect((await runMigrationJob('order', database.url)).status).toBe(0);
    const before = await query(database.url, 'SELECT name FROM migrations');
    const { app, url } = await startOrderService(database.url, 'skip');
    try {
      const ready = await fetch(`${url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await query(database.url, 'SELECT name FROM migrations')).toEqual(before);
    } finally {
      await app.close();
    }
  }, 60_000);
});

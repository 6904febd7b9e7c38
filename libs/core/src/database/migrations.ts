import { DataSource, MigrationExecutor } from 'typeorm';

/**
 * Runs pending migrations while holding a session-level advisory lock on the database: TypeORM has
 * no migration lock of its own, so replicas starting together would otherwise run the same
 * migration at once. The others wait, then find nothing pending. Returns the names run here.
 */
export async function runMigrationsExclusively(dataSource: DataSource, lockName: string): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  // Keyed by hashtext(name), as the outbox relay's and the admin seeder's locks are.
  const key = `coursehub:migrations:${lockName}`;
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
    // On the lock's own connection: an embedded database may have a pool of one.
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'each';
    const ran = await executor.executePendingMigrations();
    return ran.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
    await runner.release();
  }
}

/**
 * With DATABASE_MIGRATIONS=skip the app never migrates: code started on a schema that lacks its
 * migrations would fail on its first query, so it fails at start instead, naming what is missing.
 */
export async function assertNoPendingMigrations(dataSource: DataSource, name: string): Promise<void> {
  const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
  if (pending.length > 0) {
    throw new PendingMigrationsError(
      `Database ${name}: ${pending.length} migration(s) pending (${pending.map((migration) => migration.name).join(', ')}) ` +
        'and DATABASE_MIGRATIONS=skip: run the migration Job (node dist/apps/<app>/src/migrate.js) first',
    );
  }
}

/** Not retried at start: waiting does not run the migrations. */
export class PendingMigrationsError extends Error {
  override readonly name = 'PendingMigrationsError';
}

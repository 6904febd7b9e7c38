import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What a migration that is nothing but SQL runs: `up` statements in order, `down` to undo. */
export interface SqlMigrationStatements {
  up: readonly string[];
  down: readonly string[];
}

/**
 * A TypeORM migration class made from SQL statements. `name` is TypeORM's class name with the
 * timestamp (`CreateOrderTables1764000000000`), which orders migrations and is recorded in the
 * `migrations` table, so it never changes once released.
 */
export function sqlMigration(name: string, statements: SqlMigrationStatements): new () => MigrationInterface {
  return class implements MigrationInterface {
    readonly name = name;

    async up(queryRunner: QueryRunner): Promise<void> {
      await runStatements(queryRunner, statements.up);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await runStatements(queryRunner, statements.down);
    }
  };
}

async function runStatements(queryRunner: QueryRunner, statements: readonly string[]): Promise<void> {
  for (const statement of statements) {
    await queryRunner.query(statement);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A migration that is nothing but SQL: `up` runs its statements in order, `down` runs the undo
 * statements in order. A subclass sets `name` (TypeORM's class-name-with-timestamp) and the lists.
 */
export abstract class SqlMigration implements MigrationInterface {
  abstract readonly name: string;
  protected abstract readonly upStatements: readonly string[];
  protected abstract readonly downStatements: readonly string[];

  async up(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, this.upStatements);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, this.downStatements);
  }
}

async function runStatements(queryRunner: QueryRunner, statements: readonly string[]): Promise<void> {
  for (const statement of statements) {
    await queryRunner.query(statement);
  }
}

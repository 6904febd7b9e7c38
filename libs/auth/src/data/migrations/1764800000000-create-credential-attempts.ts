import { MigrationInterface, QueryRunner } from 'typeorm';

/** Failed credential attempts per client network and per account, shared by every auth replica. */
export class CreateCredentialAttempts1764800000000 implements MigrationInterface {
  name = 'CreateCredentialAttempts1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE credential_attempts (
        scope text NOT NULL,
        subject text NOT NULL,
        attempts integer NOT NULL,
        last_attempt_at timestamptz NOT NULL,
        blocked_until timestamptz,
        PRIMARY KEY (scope, subject)
      )`);
    await queryRunner.query(`CREATE INDEX credential_attempts_last ON credential_attempts (last_attempt_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE credential_attempts');
  }
}

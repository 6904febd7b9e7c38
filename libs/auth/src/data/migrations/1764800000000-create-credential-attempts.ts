import { SqlMigration } from '@coursehub/core';

/** Failed credential attempts per client network and per account, shared by every auth replica. */
export class CreateCredentialAttempts1764800000000 extends SqlMigration {
  readonly name = 'CreateCredentialAttempts1764800000000';

  protected readonly upStatements = [
    `
      CREATE TABLE credential_attempts (
        scope text NOT NULL,
        subject text NOT NULL,
        attempts integer NOT NULL,
        last_attempt_at timestamptz NOT NULL,
        blocked_until timestamptz,
        PRIMARY KEY (scope, subject)
      )`,
    `CREATE INDEX credential_attempts_last ON credential_attempts (last_attempt_at)`,
  ];

  protected readonly downStatements = ['DROP TABLE credential_attempts'];
}

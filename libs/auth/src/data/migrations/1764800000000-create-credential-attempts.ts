import { sqlMigration } from '@coursehub/core';

/** Failed credential attempts per client network and per account, shared by every auth replica. */
export const CreateCredentialAttempts1764800000000 = sqlMigration('CreateCredentialAttempts1764800000000', {
  up: [
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
  ],
  down: ['DROP TABLE credential_attempts'],
});

import { sqlMigration } from '@coursehub/core';

/**
 * Verified e-mail addresses and the one-time tokens of account e-mails (verification, address
 * change, password reset). Only a token's SHA-256 is stored; a token is spent by setting `used_at`.
 */
export const CreateAccountTokens1766000000000 = sqlMigration('CreateAccountTokens1766000000000', {
  up: [
    `ALTER TABLE users ADD COLUMN email_verified_at timestamptz`,
    `
      CREATE TABLE account_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        purpose text NOT NULL CHECK (purpose IN ('email-verification', 'email-change', 'password-reset')),
        token_hash text NOT NULL,
        email text NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
    `CREATE UNIQUE INDEX account_tokens_hash ON account_tokens (token_hash)`,
    `CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose)`,
    `CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id)`,
  ],
  down: [
    'DROP INDEX refresh_tokens_user',
    'DROP TABLE account_tokens',
    'ALTER TABLE users DROP COLUMN email_verified_at',
  ],
});

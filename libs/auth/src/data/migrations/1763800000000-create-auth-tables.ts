import { sqlMigration } from '@coursehub/core';

export const CreateAuthTables1763800000000 = sqlMigration('CreateAuthTables1763800000000', {
  up: [
    `
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        display_name text NOT NULL,
        password_hash text NOT NULL,
        roles text[] NOT NULL DEFAULT '{student}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
    `CREATE UNIQUE INDEX users_email_unique ON users (lower(email))`,
    `CREATE INDEX users_roles ON users USING gin (roles)`,
    `CREATE INDEX users_created_at ON users (created_at DESC, id)`,
    `
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash text NOT NULL,
        family_id uuid NOT NULL,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL,
        spent_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
    `CREATE UNIQUE INDEX refresh_tokens_hash ON refresh_tokens (token_hash)`,
    `CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id)`,
  ],
  down: ['DROP TABLE refresh_tokens', 'DROP TABLE users'],
});

import { sqlMigration } from '@coursehub/core';

/** The accounts deleted in auth (`user.deleted`), so the order feature never links data to them again. */
export const CreateErasedUsers1765400000000 = sqlMigration('CreateErasedUsers1765400000000', {
  up: [
    `
      CREATE TABLE erased_users (
        user_id uuid PRIMARY KEY,
        erased_at timestamptz NOT NULL
      )`,
  ],
  down: ['DROP TABLE erased_users'],
});

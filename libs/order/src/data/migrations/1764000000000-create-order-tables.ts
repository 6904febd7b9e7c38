import { sqlMigration } from '@coursehub/core';

export const CreateOrderTables1764000000000 = sqlMigration('CreateOrderTables1764000000000', {
  up: [
    `
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        course_id uuid NOT NULL,
        course_title text NOT NULL,
        price integer NOT NULL CHECK (price >= 0),
        currency char(3) NOT NULL,
        status text NOT NULL CHECK (status IN ('confirmed', 'cancelled')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        cancelled_at timestamptz
      )`,
    // One live enrolment per user and course; a cancelled order does not block ordering again.
    `CREATE UNIQUE INDEX orders_one_confirmed_per_user_course ON orders (user_id, course_id) WHERE status = 'confirmed'`,
    'CREATE INDEX orders_user_newest ON orders (user_id, created_at DESC, id DESC)',
    `
      CREATE TABLE idempotency_keys (
        user_id uuid NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        claim_id uuid NOT NULL,
        state text NOT NULL CHECK (state IN ('in_progress', 'completed')),
        response_status integer,
        response_body json,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, key)
      )`,
    'CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at)',
  ],
  down: ['DROP TABLE idempotency_keys', 'DROP TABLE orders'],
});

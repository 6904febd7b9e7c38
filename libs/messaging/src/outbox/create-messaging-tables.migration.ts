import { sqlMigration } from '@coursehub/core';

export const CreateMessagingTables1763700000000 = sqlMigration('CreateMessagingTables1763700000000', {
  up: [
    `
      CREATE TABLE outbox_messages (
        id uuid PRIMARY KEY,
        seq bigserial NOT NULL,
        topic text NOT NULL,
        message_key text,
        envelope jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        attempts int NOT NULL DEFAULT 0,
        last_error text
      )`,
    'CREATE INDEX outbox_messages_unsent ON outbox_messages (seq) WHERE sent_at IS NULL',
    'CREATE INDEX outbox_messages_sent_at ON outbox_messages (sent_at) WHERE sent_at IS NOT NULL',
    `
      CREATE TABLE processed_events (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`,
  ],
  down: ['DROP TABLE processed_events', 'DROP TABLE outbox_messages'],
});

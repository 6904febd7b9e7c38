import { sqlMigration } from '@coursehub/core';

/**
 * Outbox parking (an event that keeps failing to publish is set aside so later events flow) and
 * the `dead_letters` table of the in-process transport (platform mode).
 */
export const ParkOutboxAndDeadLetters1763800000000 = sqlMigration('ParkOutboxAndDeadLetters1763800000000', {
  up: [
    'ALTER TABLE outbox_messages ADD COLUMN parked_at timestamptz',
    'DROP INDEX outbox_messages_unsent',
    'CREATE INDEX outbox_messages_unsent ON outbox_messages (seq) WHERE sent_at IS NULL AND parked_at IS NULL',
    'CREATE INDEX outbox_messages_parked ON outbox_messages (seq) WHERE sent_at IS NULL AND parked_at IS NOT NULL',
    `
      CREATE TABLE dead_letters (
        id uuid PRIMARY KEY,
        topic text NOT NULL,
        message_key text,
        reason text NOT NULL,
        error text NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now(),
        consumer text NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}'::jsonb,
        message jsonb,
        replayed_at timestamptz,
        replay_count int NOT NULL DEFAULT 0
      )`,
    'CREATE INDEX dead_letters_topic ON dead_letters (topic, failed_at)',
  ],
  down: [
    'DROP TABLE dead_letters',
    'DROP INDEX outbox_messages_parked',
    'DROP INDEX outbox_messages_unsent',
    'CREATE INDEX outbox_messages_unsent ON outbox_messages (seq) WHERE sent_at IS NULL',
    'ALTER TABLE outbox_messages DROP COLUMN parked_at',
  ],
});

import { sqlMigration } from '@coursehub/core';

/**
 * The W3C `traceparent` of the span that wrote each outbox event: the relay continues that trace
 * when it publishes, so one trace goes from the request through the broker to the consumers.
 * Nullable and without default: adding it rewrites nothing, and old code ignores it (safe rollback).
 */
export const AddOutboxTraceparent1764900000000 = sqlMigration('AddOutboxTraceparent1764900000000', {
  up: ['ALTER TABLE outbox_messages ADD COLUMN traceparent text'],
  down: ['ALTER TABLE outbox_messages DROP COLUMN traceparent'],
});

import type { SqlQuery } from '../consumer/dead-letters';
import { isUuid } from '../consumer/dead-letters';

/** An outbox event the relay set aside after OUTBOX_MAX_PUBLISH_ATTEMPTS failed publishes. */
export interface ParkedOutboxEvent {
  id: string;
  topic: string;
  key: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  parkedAt: string;
}

interface ParkedRow {
  id: string;
  topic: string;
  message_key: string | null;
  attempts: number;
  last_error: string | null;
  created_at: Date | string;
  parked_at: Date | string;
}

const iso = (value: Date | string) => (value instanceof Date ? value : new Date(value)).toISOString();

/** Parked events of one feature database's outbox, oldest first. */
export async function listParkedOutboxEvents(
  query: SqlQuery,
  options: { topic?: string } = {},
): Promise<ParkedOutboxEvent[]> {
  const rows = await query<ParkedRow>(
    `SELECT id, topic, message_key, attempts, last_error, created_at, parked_at FROM outbox_messages
      WHERE sent_at IS NULL AND parked_at IS NOT NULL AND ($1::text IS NULL OR topic = $1) ORDER BY seq`,
    [options.topic ?? null],
  );
  return rows.map((row) => ({
    id: row.id,
    topic: row.topic,
    key: row.message_key,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    createdAt: iso(row.created_at),
    parkedAt: iso(row.parked_at),
  }));
}

/**
 * Un-parks events (all of them, or those ids; optionally of one topic): the relay publishes them
 * again at its next pass, in their original order, with a fresh attempt count.
 * @returns how many were un-parked.
 */
export async function retryParkedOutboxEvents(
  query: SqlQuery,
  selection: { ids?: string[]; topic?: string },
): Promise<number> {
  const rows = await query<{ id: string }>(
    `UPDATE outbox_messages SET parked_at = NULL, attempts = 0
      WHERE sent_at IS NULL AND parked_at IS NOT NULL
        AND ($1::uuid[] IS NULL OR id = ANY($1::uuid[])) AND ($2::text IS NULL OR topic = $2)
      RETURNING id`,
    [selection.ids ? selection.ids.filter(isUuid) : null, selection.topic ?? null],
  );
  return rows.length;
}

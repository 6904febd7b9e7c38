import { Injectable, Type } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

/** Why an event was given up: not a valid envelope, a PermanentEventError, or retries used up. */
export type DeadLetterReason = 'invalid' | 'permanent' | 'failed';

/** A dead letter as stored in a `dead_letters` table or published on `<topic>.dlq`. */
export interface DeadLetter {
  /** The dead letter's own id (what `npm run dlq -- replay <id>` takes). */
  id: string;
  /** The topic the event was consumed from (where a replay re-publishes it). */
  topic: string;
  /** The original message key (the aggregate id), kept for per-key order on replay. */
  key: string | null;
  reason: DeadLetterReason;
  error: string;
  failedAt: string;
  /** Who gave up: the feature (in-process) or the service (Kafka). */
  consumer: string;
  headers: Record<string, string>;
  /** The message as received. */
  message: unknown;
  /** When it was last re-published by `dlq replay`, if ever. */
  replayedAt?: string | null;
}

export function newDeadLetter(fields: Omit<DeadLetter, 'id' | 'failedAt'>): DeadLetter {
  return { id: randomUUID(), failedAt: new Date().toISOString(), ...fields };
}

/** A parameterised SQL query (TypeORM DataSource.query, pg, PGlite): returns the rows. */
export type SqlQuery = <Row = Record<string, unknown>>(sql: string, parameters?: unknown[]) => Promise<Row[]>;

interface DeadLetterRow {
  id: string;
  topic: string;
  message_key: string | null;
  reason: DeadLetterReason;
  error: string;
  failed_at: Date | string;
  consumer: string;
  headers: Record<string, string> | null;
  message: unknown;
  replayed_at: Date | string | null;
}

const iso = (value: Date | string | null): string | null =>
  value === null ? null : value instanceof Date ? value.toISOString() : new Date(value).toISOString();

/**
 * The dead letters of one feature database (`dead_letters`, created by the messaging migrations).
 * The in-process transport (platform mode) keeps its dead letters here instead of publishing them
 * to a `.dlq` topic nobody reads. A replay writes the event back into this database's outbox, so
 * the running platform's relay delivers it (or the next start does).
 */
export class DeadLetterTable {
  constructor(private readonly query: SqlQuery) {}

  async add(deadLetter: DeadLetter): Promise<void> {
    await this.query(
      `INSERT INTO dead_letters (id, topic, message_key, reason, error, failed_at, consumer, headers, message)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb) ON CONFLICT (id) DO NOTHING`,
      [
        deadLetter.id,
        deadLetter.topic,
        deadLetter.key,
        deadLetter.reason,
        deadLetter.error,
        deadLetter.failedAt,
        deadLetter.consumer,
        JSON.stringify(deadLetter.headers),
        JSON.stringify(deadLetter.message ?? null),
      ],
    );
  }

  async list(options: { topic?: string; ids?: string[] } = {}): Promise<DeadLetter[]> {
    const rows = await this.query<DeadLetterRow>(
      `SELECT id, topic, message_key, reason, error, failed_at, consumer, headers, message, replayed_at
         FROM dead_letters
        WHERE ($1::text IS NULL OR topic = $1) AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[]))
        ORDER BY failed_at, id`,
      [options.topic ?? null, options.ids ? options.ids.filter(isUuid) : null],
    );
    return rows.map((row) => ({
      id: row.id,
      topic: row.topic,
      key: row.message_key,
      reason: row.reason,
      error: row.error,
      failedAt: iso(row.failed_at)!,
      consumer: row.consumer,
      headers: row.headers ?? {},
      message: row.message,
      replayedAt: iso(row.replayed_at),
    }));
  }

  /**
   * Puts the dead letters' messages back into this database's outbox (a new outbox row each, the
   * envelope unchanged so idempotent consumers still recognise it) and marks them replayed, in one
   * transaction.
   */
  async replay(deadLetters: DeadLetter[]): Promise<number> {
    if (deadLetters.length === 0) return 0;
    await this.query('BEGIN');
    try {
      for (const deadLetter of deadLetters) {
        await this.query(
          'INSERT INTO outbox_messages (id, topic, message_key, envelope) VALUES ($1, $2, $3, $4::jsonb)',
          [randomUUID(), deadLetter.topic, deadLetter.key, JSON.stringify(deadLetter.message ?? null)],
        );
        await this.query(
          'UPDATE dead_letters SET replayed_at = now(), replay_count = replay_count + 1 WHERE id = $1',
          [deadLetter.id],
        );
      }
      await this.query('COMMIT');
    } catch (error) {
      await this.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    return deadLetters.length;
  }
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

/** Which feature declared a controller (set by defineFeature): where its handler's dead letters go. */
const featureOfController = new WeakMap<Type, string>();

export function registerFeatureControllers(feature: string, controllers: Type[]): void {
  for (const controller of controllers) featureOfController.set(controller, feature);
}

export function featureOfHandlerClass(controller: Type): string | undefined {
  return featureOfController.get(controller);
}

/**
 * The dead-letter tables of this process, one per feature database (registered by defineFeature).
 * A feature without a PostgreSQL database (e-mail) uses the first registered one; the record's
 * `consumer` names the feature either way.
 */
@Injectable()
export class DeadLetterStores {
  private readonly tables = new Map<string, DeadLetterTable>();

  register(feature: string, table: DeadLetterTable): void {
    this.tables.set(feature, table);
  }

  forFeature(feature: string | undefined): DeadLetterTable | undefined {
    return (feature ? this.tables.get(feature) : undefined) ?? this.tables.values().next().value;
  }
}

import { contextFromTraceHeaders, currentTraceHeaders, inSpan, SpanKind, TRACEPARENT } from '@coursehub/core';
import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { MessageBus } from '../message-bus';
import { backoffDelayMs, classifyFailure, errorMessage } from '../messaging.errors';
import { messagingMetrics } from '../metrics';

interface ClaimedMessage {
  id: string;
  topic: string;
  message_key: string | null;
  envelope: { correlationId?: string };
  attempts: number;
  traceparent: string | null;
}

export interface OutboxRelayOptions {
  pollMs: number;
  batchSize?: number;
  /** Sent rows older than this are deleted. */
  retentionMs?: number;
  /** Longest wait between passes after a failed publish (default 10 s). */
  retryMaxMs?: number;
  /** Non-transient publish failures of one event before it is parked (default 10). */
  maxPublishAttempts?: number;
  /**
   * `database-lock` (Kafka, several replicas): a pass claims its batch under a transaction-scoped
   * advisory lock and `FOR UPDATE SKIP LOCKED`, so one replica publishes at a time, in order.
   * `process` (in-process transport): one process delivers; publishing waits for the handlers,
   * so no connection is held meanwhile (an embedded database has a pool of one, which a handler
   * of the same database may need).
   */
  exclusivity?: 'database-lock' | 'process';
  /** Whether publishing may start (the in-process transport waits for its server). */
  canPublish?: () => boolean;
  /**
   * Where the trace context travels: Kafka `headers` (default), or the `envelope` for the
   * in-process transport, which delivers only the message value.
   */
  traceContextIn?: 'headers' | 'envelope';
}

const UNSENT = 'sent_at IS NULL AND parked_at IS NULL';

/**
 * Publishes a data source's outbox in `seq` order (hence in order per key). A transient failure
 * (broker away) stops the pass and backs off, without limit. A non-transient failure counts
 * against the event; after `maxPublishAttempts` the event is parked (kept with its error, skipped)
 * so later events flow. Nothing is marked sent that the transport did not acknowledge.
 */
export class OutboxRelay {
  private readonly logger: Logger;
  private readonly lockKey: string;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  private consecutiveFailures = 0;
  private passes = 0;

  constructor(
    private readonly dataSourceName: string,
    private readonly dataSource: DataSource,
    private readonly bus: MessageBus,
    private readonly options: OutboxRelayOptions,
  ) {
    this.logger = new Logger(`OutboxRelay:${dataSourceName}`);
    this.lockKey = `coursehub:outbox-relay:${dataSourceName}`;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for the pass in flight (call before the transport closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
  }

  private async pass(): Promise<void> {
    let published = 0;
    try {
      if (this.options.canPublish && !this.options.canPublish()) {
        this.schedule(this.options.pollMs);
        return;
      }
      published = await this.publishBatch();
      this.consecutiveFailures = 0;
    } catch (error) {
      this.consecutiveFailures++;
      if (this.consecutiveFailures === 1 || this.consecutiveFailures % 20 === 0) {
        this.logger.warn(`Publishing failed (${this.consecutiveFailures}x), will retry: ${String(error)}`);
      }
    }
    await this.housekeeping().catch(() => undefined);
    const batchFull = published >= (this.options.batchSize ?? 100);
    const delay =
      this.consecutiveFailures > 0
        ? backoffDelayMs(this.consecutiveFailures, this.options.pollMs, this.options.retryMaxMs ?? 10_000)
        : batchFull
          ? 0
          : this.options.pollMs;
    this.schedule(delay);
  }

  private async publishBatch(): Promise<number> {
    const batchSize = this.options.batchSize ?? 100;
    if (this.options.exclusivity === 'process') {
      const claimed = await this.dataSource.query<ClaimedMessage[]>(
        `SELECT id, topic, message_key, envelope, attempts, traceparent FROM outbox_messages WHERE ${UNSENT} ORDER BY seq LIMIT $1`,
        [batchSize],
      );
      return this.publishAll(claimed, (sql, parameters) => this.dataSource.query(sql, parameters));
    }
    let result = 0;
    let failure: unknown;
    await this.dataSource.transaction(async (manager: EntityManager) => {
      const [{ locked }] = await manager.query<{ locked: boolean }[]>(
        'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked',
        [this.lockKey],
      );
      if (!locked) return;
      const claimed = await manager.query<ClaimedMessage[]>(
        `SELECT id, topic, message_key, envelope, attempts, traceparent FROM outbox_messages WHERE ${UNSENT} ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      try {
        result = await this.publishAll(claimed, (sql, parameters) => manager.query(sql, parameters));
      } catch (error) {
        // Commit what was recorded (sent rows, attempts, parking); report the failure after.
        failure = error;
      }
    });
    if (failure)
      throw failure instanceof Error ? failure : new Error('Publishing failed', { cause: failure });
    return result;
  }

  /** Publishes in order; stops at a failure that is not the event's own (after recording it). */
  private async publishAll(
    claimed: ClaimedMessage[],
    query: (sql: string, parameters: unknown[]) => Promise<unknown>,
  ): Promise<number> {
    const maxAttempts = this.options.maxPublishAttempts ?? 10;
    let published = 0;
    try {
      for (const message of claimed) {
        try {
          await this.publishTraced(message);
        } catch (error) {
          const text = errorMessage(error).slice(0, 1000);
          const transient = classifyFailure(error) === 'transient';
          const attempts = message.attempts + 1;
          if (!transient && attempts >= maxAttempts) {
            await query(
              'UPDATE outbox_messages SET attempts = attempts + 1, last_error = $2, parked_at = now() WHERE id = $1',
              [message.id, text],
            );
            messagingMetrics.outboxParked().inc({ data_source: this.dataSourceName, topic: message.topic });
            this.logger.error(
              { eventId: message.id, topic: message.topic, attempts },
              `Outbox event parked after ${attempts} failed publishes (list/retry with npm run dlq -- outbox): ${text}`,
            );
            // Set aside: the events behind it go on.
            continue;
          }
          await query('UPDATE outbox_messages SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [
            message.id,
            text,
          ]);
          throw error;
        }
        await query('UPDATE outbox_messages SET sent_at = now(), attempts = attempts + 1 WHERE id = $1', [
          message.id,
        ]);
        published++;
        if (this.stopped && this.options.exclusivity === 'process') break;
      }
    } finally {
      if (published > 0)
        messagingMetrics.outboxPublished().inc({ data_source: this.dataSourceName }, published);
    }
    return published;
  }

  /**
   * Publishes in a producer span continuing the trace that wrote the event; the span's context
   * goes with the message (`traceparent`), so the consumers' spans join the same trace.
   */
  private publishTraced(message: ClaimedMessage): Promise<void> {
    const parent = contextFromTraceHeaders({ [TRACEPARENT]: message.traceparent ?? undefined });
    const attributes = {
      'messaging.system': this.options.traceContextIn === 'envelope' ? 'in-process' : 'kafka',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'publish',
      'messaging.destination.name': message.topic,
      'messaging.message.id': message.id,
    };
    return inSpan(`publish ${message.topic}`, { kind: SpanKind.PRODUCER, parent, attributes }, async () => {
      const trace = currentTraceHeaders();
      const inEnvelope = this.options.traceContextIn === 'envelope' && trace[TRACEPARENT];
      await this.bus.publish({
        topic: message.topic,
        key: message.message_key,
        value: inEnvelope ? { ...message.envelope, ...trace } : message.envelope,
        headers: headersOrNone({
          ...(message.envelope.correlationId ? { 'x-request-id': message.envelope.correlationId } : {}),
          ...(inEnvelope ? {} : trace),
        }),
      });
    });
  }

  private async housekeeping(): Promise<void> {
    const [{ backlog, parked, oldest_age }] = await this.dataSource.query<
      { backlog: number; parked: number; oldest_age: number | null }[]
    >(
      `SELECT count(*) FILTER (WHERE parked_at IS NULL)::int AS backlog,
              count(*) FILTER (WHERE parked_at IS NOT NULL)::int AS parked,
              extract(epoch FROM now() - min(created_at) FILTER (WHERE parked_at IS NULL))::float8 AS oldest_age
         FROM outbox_messages WHERE sent_at IS NULL`,
    );
    const labels = { data_source: this.dataSourceName };
    messagingMetrics.outboxBacklog().set(labels, backlog);
    messagingMetrics.outboxParkedBacklog().set(labels, parked);
    messagingMetrics.outboxOldestUnsentAge().set(labels, Math.max(0, oldest_age ?? 0));
    if (++this.passes % 1000 === 0) {
      const retentionMs = this.options.retentionMs ?? 7 * 86_400_000;
      await this.dataSource.query(
        `DELETE FROM outbox_messages WHERE sent_at < now() - ($1::int * interval '1 millisecond')`,
        [Math.min(retentionMs, 2_000_000_000)],
      );
    }
  }
}

function headersOrNone(headers: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(headers).length > 0 ? headers : undefined;
}

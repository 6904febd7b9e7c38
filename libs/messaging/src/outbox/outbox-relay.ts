import { contextFromTraceHeaders, currentTraceHeaders, inSpan, SpanKind, TRACEPARENT } from '@coursehub/core';
import { Logger } from '@nestjs/common';
import { Client, type ClientConfig, type Pool } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { MessageBus, PublishedMessage } from '../message-bus';
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
  /**
   * Wake up as soon as an event is committed (`Outbox.add` notifies `OUTBOX_CHANNEL`): a dedicated
   * connection LISTENs besides the pool, and `pollMs` becomes the fallback when a notification is
   * missed (listener reconnecting). Only for a PostgreSQL server (not the embedded single-connection one).
   */
  listen?: boolean;
  /** Whether publishing may start (the in-process transport waits for its server). */
  canPublish?: () => boolean;
  /**
   * Where the trace context travels: Kafka `headers` (default), or the `envelope` for the
   * in-process transport, which delivers only the message value.
   */
  traceContextIn?: 'headers' | 'envelope';
}

const UNSENT = 'sent_at IS NULL AND parked_at IS NULL';

/** Notified by `Outbox.add` in the writing transaction, so delivered at its commit. */
export const OUTBOX_CHANNEL = 'coursehub_outbox';

/** Wait before opening a new listener connection after the last one failed. */
const LISTEN_RETRY_MS = 5_000;

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
  private lastHousekeeping = 0;
  /** A notification came while a pass ran: the next pass starts at once. */
  private woken = false;
  private listener?: Client;
  private listenRetry?: NodeJS.Timeout;

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
    if (this.options.listen) void this.listen();
  }

  /** Stops polling and waits for the pass in flight (call before the transport closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    clearTimeout(this.listenRetry);
    const listener = this.listener;
    this.listener = undefined;
    await Promise.all([this.running, listener?.end().catch(() => undefined)]);
  }

  /** A new event was committed: run a pass now, or right after the one in flight. */
  private wake(): void {
    if (this.stopped) return;
    if (this.running || this.consecutiveFailures > 0) {
      // A failing relay keeps its backoff; a running pass reschedules itself.
      this.woken = this.running !== undefined;
      return;
    }
    this.schedule(0);
  }

  /** Opens the LISTEN connection (same settings as the data source's pool); reopens it when lost. */
  private async listen(): Promise<void> {
    const pool = (this.dataSource.driver as unknown as { master?: Pool }).master;
    if (!pool || this.stopped) return;
    const client = new Client((pool as unknown as { options: ClientConfig }).options);
    const retry = (error: unknown) => {
      if (this.listener !== client) return;
      this.listener = undefined;
      client.end().catch(() => undefined);
      if (this.stopped) return;
      this.logger.debug(
        `Outbox listener lost, polling every ${this.options.pollMs} ms meanwhile: ${String(error)}`,
      );
      this.listenRetry = setTimeout(() => void this.listen(), LISTEN_RETRY_MS);
    };
    this.listener = client;
    client.on('notification', () => this.wake());
    client.on('error', retry);
    client.on('end', () => retry(new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      // Events committed while the listener was away are picked up by this pass.
      this.wake();
    } catch (error) {
      retry(error);
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
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
    // Passes follow each other closely under load (woken per commit): the gauges need no more.
    if (Date.now() - this.lastHousekeeping >= Math.min(this.options.pollMs, 1_000)) {
      this.lastHousekeeping = Date.now();
      await this.housekeeping().catch(() => undefined);
    }
    const batchFull = published >= (this.options.batchSize ?? 100);
    const woken = this.woken;
    this.woken = false;
    const delay =
      this.consecutiveFailures > 0
        ? backoffDelayMs(this.consecutiveFailures, this.options.pollMs, this.options.retryMaxMs ?? 10_000)
        : batchFull || woken
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
        const query = (sql: string, parameters: unknown[]) => manager.query(sql, parameters);
        result = this.bus.publishesInBatches
          ? await this.publishInOneRequest(claimed, query)
          : await this.publishAll(claimed, query);
      } catch (error) {
        // Commit what was recorded (sent rows, attempts, parking); report the failure after.
        failure = error;
      }
    });
    if (failure)
      throw failure instanceof Error ? failure : new Error('Publishing failed', { cause: failure });
    return result;
  }

  /**
   * Publishes the whole batch in one broker request and marks it sent in one statement. If the
   * request fails, the batch goes again one event at a time (`publishAll`), which finds the event
   * at fault, records its error and parks it when it keeps failing: the guarantees stay those of
   * the one-by-one path; what the failed request did write is published again (at least once).
   */
  private async publishInOneRequest(
    claimed: ClaimedMessage[],
    query: (sql: string, parameters: unknown[]) => Promise<unknown>,
  ): Promise<number> {
    if (claimed.length === 0) return 0;
    try {
      await this.publishTracedBatch(claimed);
    } catch {
      return this.publishAll(claimed, query);
    }
    await query(
      'UPDATE outbox_messages SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY($1::uuid[])',
      [claimed.map((message) => message.id)],
    );
    messagingMetrics.outboxPublished().inc({ data_source: this.dataSourceName }, claimed.length);
    return claimed.length;
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
    return this.inPublishSpan(message, (published) => this.bus.publish(published));
  }

  /**
   * The batch's events each get their producer span (each continues its own trace), all open
   * while the one request is in flight; the request goes once every span has given its message.
   */
  private async publishTracedBatch(claimed: ClaimedMessage[]): Promise<void> {
    const messages: PublishedMessage[] = [];
    let release!: () => void;
    let fail!: (error: unknown) => void;
    const sent = new Promise<void>((resolve, reject) => {
      release = resolve;
      fail = reject;
    });
    // inSpan runs `work` synchronously up to its first await: every message is pushed here.
    const spans = claimed.map((message) =>
      this.inPublishSpan(message, (published) => {
        messages.push(published);
        return sent;
      }),
    );
    try {
      await this.bus.publishBatch(messages);
      release();
    } catch (error) {
      fail(error);
    }
    const outcomes = await Promise.allSettled(spans);
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private inPublishSpan(
    message: ClaimedMessage,
    publish: (published: PublishedMessage) => Promise<void>,
  ): Promise<void> {
    const parent = contextFromTraceHeaders({ [TRACEPARENT]: message.traceparent ?? undefined });
    const attributes = {
      'messaging.system': this.options.traceContextIn === 'envelope' ? 'in-process' : 'kafka',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'publish',
      'messaging.destination.name': message.topic,
      'messaging.message.id': message.id,
    };
    return inSpan(`publish ${message.topic}`, { kind: SpanKind.PRODUCER, parent, attributes }, () => {
      const trace = currentTraceHeaders();
      const inEnvelope = this.options.traceContextIn === 'envelope' && trace[TRACEPARENT];
      return publish({
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

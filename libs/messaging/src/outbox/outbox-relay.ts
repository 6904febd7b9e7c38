import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MessageBus } from '../message-bus';
import { backoffDelayMs } from '../messaging.errors';
import { messagingMetrics } from '../metrics';

interface ClaimedMessage {
  id: string;
  topic: string;
  message_key: string | null;
  envelope: { correlationId?: string };
}

export interface OutboxRelayOptions {
  pollMs: number;
  batchSize?: number;
  /** Sent rows older than this are deleted. */
  retentionMs?: number;
}

/**
 * Publishes a data source's outbox. Each pass claims a batch with `FOR UPDATE SKIP LOCKED`
 * under a transaction-scoped advisory lock, so with several replicas exactly one publishes at a
 * time and events leave in `seq` order (hence in order per key). A failed publish stops the
 * pass and backs off; nothing is marked sent that the broker did not acknowledge.
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
        ? backoffDelayMs(this.consecutiveFailures, this.options.pollMs, 10_000)
        : batchFull
          ? 0
          : this.options.pollMs;
    this.schedule(delay);
  }

  private async publishBatch(): Promise<number> {
    const batchSize = this.options.batchSize ?? 100;
    let published = 0;
    let failure: unknown;
    await this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query<{ locked: boolean }[]>(
        'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked',
        [this.lockKey],
      );
      if (!locked) return;
      const claimed = await manager.query<ClaimedMessage[]>(
        'SELECT id, topic, message_key, envelope FROM outbox_messages WHERE sent_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED',
        [batchSize],
      );
      for (const message of claimed) {
        try {
          await this.bus.publish({
            topic: message.topic,
            key: message.message_key,
            value: message.envelope,
            headers: message.envelope.correlationId
              ? { 'x-request-id': message.envelope.correlationId }
              : undefined,
          });
        } catch (error) {
          failure = error;
          await manager.query(
            'UPDATE outbox_messages SET attempts = attempts + 1, last_error = $2 WHERE id = $1',
            [message.id, (error instanceof Error ? error.message : String(error)).slice(0, 1000)],
          );
          break;
        }
        await manager.query(
          'UPDATE outbox_messages SET sent_at = now(), attempts = attempts + 1 WHERE id = $1',
          [message.id],
        );
        published++;
      }
    });
    if (published > 0)
      messagingMetrics.outboxPublished().inc({ data_source: this.dataSourceName }, published);
    if (failure)
      throw failure instanceof Error ? failure : new Error('Publishing failed', { cause: failure });
    return published;
  }

  private async housekeeping(): Promise<void> {
    const [{ backlog }] = await this.dataSource.query<{ backlog: number }[]>(
      'SELECT count(*)::int AS backlog FROM outbox_messages WHERE sent_at IS NULL',
    );
    messagingMetrics.outboxBacklog().set({ data_source: this.dataSourceName }, backlog);
    if (++this.passes % 1000 === 0) {
      const retentionMs = this.options.retentionMs ?? 7 * 86_400_000;
      await this.dataSource.query(
        `DELETE FROM outbox_messages WHERE sent_at < now() - ($1::int * interval '1 millisecond')`,
        [Math.min(retentionMs, 2_000_000_000)],
      );
    }
  }
}

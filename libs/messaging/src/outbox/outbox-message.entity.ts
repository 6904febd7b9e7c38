import { CreatedAtColumn, TextColumn, TimestampColumn } from '@coursehub/core';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An event waiting to be published; written in the same transaction as the change it announces. */
@Entity({ name: 'outbox_messages' })
export class OutboxMessageEntity {
  /** The envelope id: the event's identity end to end. */
  @PrimaryColumn('uuid')
  id!: string;

  /** Publication order (bigserial): per aggregate key, and overall, events leave in the order they were written. */
  @Column({ type: 'bigint', insert: false, update: false })
  seq!: string;

  @TextColumn()
  topic!: string;

  /** Kafka message key: the aggregate id, so one aggregate's events share a partition. */
  @TextColumn({ name: 'message_key', nullable: true })
  messageKey!: string | null;

  @Column({ type: 'jsonb' })
  envelope!: Record<string, unknown>;

  @CreatedAtColumn()
  createdAt!: Date;

  @TimestampColumn('sent_at', { nullable: true })
  sentAt!: Date | null;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @TextColumn({ name: 'last_error', nullable: true })
  lastError!: string | null;

  /** Set when the event failed to publish OUTBOX_MAX_PUBLISH_ATTEMPTS times: the relay skips it. */
  @TimestampColumn('parked_at', { nullable: true })
  parkedAt!: Date | null;

  /** W3C trace context of the span that wrote the event (null when tracing is off). */
  @TextColumn({ nullable: true })
  traceparent!: string | null;
}

/** Events a consumer has applied; the primary key makes a redelivery a no-op. */
@Entity({ name: 'processed_events' })
export class ProcessedEventEntity {
  @PrimaryColumn({ type: 'text' })
  consumer!: string;

  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @CreatedAtColumn('processed_at')
  processedAt!: Date;
}

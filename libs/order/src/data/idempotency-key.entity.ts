import { TextColumn, TimestampColumn, UuidColumn } from '@coursehub/core';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export type IdempotencyKeyState = 'in_progress' | 'completed';

/** The first response to a `(user, Idempotency-Key)` pair, replayed for 24 h. */
@Entity({ name: 'idempotency_keys' })
export class IdempotencyKeyEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  /** SHA-256 of the request (method, path, body; see requestHashOf in core): same key + other body is refused. */
  @TextColumn({ name: 'request_hash' })
  requestHash!: string;

  /** Identifies the attempt holding the key, so a taken-over attempt cannot overwrite its successor. */
  @UuidColumn('claim_id')
  claimId!: string;

  @TextColumn()
  state!: IdempotencyKeyState;

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus!: number | null;

  /** `json`, not `jsonb`: a replay must be byte-for-byte the first response, key order included. */
  @Column({ name: 'response_body', type: 'json', nullable: true })
  responseBody!: unknown;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}

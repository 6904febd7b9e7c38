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
  @Column({ name: 'request_hash', type: 'text' })
  requestHash!: string;

  /** Identifies the attempt holding the key, so a taken-over attempt cannot overwrite its successor. */
  @Column({ name: 'claim_id', type: 'uuid' })
  claimId!: string;

  @Column({ type: 'text' })
  state!: IdempotencyKeyState;

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus!: number | null;

  /** `json`, not `jsonb`: a replay must be byte-for-byte the first response, key order included. */
  @Column({ name: 'response_body', type: 'json', nullable: true })
  responseBody!: unknown;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

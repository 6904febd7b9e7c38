import { ConflictException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager } from 'typeorm';
import { IDEMPOTENCY_KEY_TTL_SECONDS, ORDER_DATA_SOURCE } from '../order.constants';

/** The response a key replays: status code and JSON body. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

export type IdempotencyClaim =
  | { kind: 'claimed'; userId: string; key: string; claimId: string }
  | { kind: 'replay'; response: StoredResponse };

export interface IdempotencyStoreOptions {
  /** How long a duplicate waits for the first request with its key to finish. */
  waitMs: number;
  pollMs: number;
  /** An attempt still "in progress" after this long died (crash, kill): its key may be taken over. */
  abandonAfterSeconds: number;
}

const DEFAULT_OPTIONS: IdempotencyStoreOptions = { waitMs: 15_000, pollMs: 50, abandonAfterSeconds: 120 };

/** SHA-256 of what identifies a request; the same key with a different hash is refused. */
export function requestHashOf(request: { method: string; path: string; body: unknown }): string {
  return createHash('sha256')
    .update(JSON.stringify([request.method, request.path, request.body]))
    .digest('hex');
}

interface KeyRow {
  request_hash: string;
  state: 'in_progress' | 'completed';
  response_status: number | null;
  response_body: unknown;
}

/**
 * `Idempotency-Key` bookkeeping in PostgreSQL (hand-written: no maintained NestJS library fits a
 * TypeORM transaction and per-user keys). The first request claims the key with one atomic
 * INSERT; duplicates poll until it completes and then replay its response. The response is
 * stored in the same transaction as the order, so a crash never leaves an order without it.
 */
@Injectable()
export class IdempotencyStore {
  private readonly options: IdempotencyStoreOptions = DEFAULT_OPTIONS;

  constructor(@InjectDataSource(ORDER_DATA_SOURCE) private readonly dataSource: DataSource) {}

  async claim(userId: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const deadline = Date.now() + this.options.waitMs;
    for (;;) {
      const claimId = randomUUID();
      // ON CONFLICT DO UPDATE ... WHERE instead of DO NOTHING: an expired key (or one whose
      // attempt died with the same request) is taken over in the same atomic statement.
      const claimed = await this.dataSource.query<unknown[]>(
        `INSERT INTO idempotency_keys (user_id, key, request_hash, claim_id, state)
         VALUES ($1, $2, $3, $4, 'in_progress')
         ON CONFLICT (user_id, key) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, claim_id = EXCLUDED.claim_id, state = 'in_progress',
               response_status = NULL, response_body = NULL, created_at = now(), updated_at = now()
           WHERE idempotency_keys.created_at < now() - make_interval(secs => $5)
              OR (idempotency_keys.state = 'in_progress'
                  AND idempotency_keys.request_hash = EXCLUDED.request_hash
                  AND idempotency_keys.updated_at < now() - make_interval(secs => $6))
         RETURNING claim_id`,
        [userId, key, requestHash, claimId, IDEMPOTENCY_KEY_TTL_SECONDS, this.options.abandonAfterSeconds],
      );
      if (claimed.length === 1) return { kind: 'claimed', userId, key, claimId };

      const [existing] = await this.dataSource.query<KeyRow[]>(
        `SELECT request_hash, state, response_status, response_body FROM idempotency_keys
         WHERE user_id = $1 AND key = $2`,
        [userId, key],
      );
      // Released in the meantime (the first attempt failed with a 5xx): this request tries itself.
      if (!existing) continue;
      if (existing.request_hash !== requestHash) {
        throw new UnprocessableEntityException(
          'This Idempotency-Key was already used with a different request; use a new key',
        );
      }
      if (existing.state === 'completed') {
        return {
          kind: 'replay',
          response: { status: existing.response_status ?? 200, body: existing.response_body },
        };
      }
      if (Date.now() >= deadline) {
        throw new ConflictException(
          'A request with this Idempotency-Key is still being processed; retry later',
        );
      }
      await sleep(this.options.pollMs);
    }
  }

  /** Stores the response to replay; pass the transaction of the state change when there is one. */
  async complete(
    claim: Extract<IdempotencyClaim, { kind: 'claimed' }>,
    response: StoredResponse,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await manager.query(
      `UPDATE idempotency_keys
       SET state = 'completed', response_status = $4, response_body = $5::json, updated_at = now()
       WHERE user_id = $1 AND key = $2 AND claim_id = $3`,
      [claim.userId, claim.key, claim.claimId, response.status, JSON.stringify(response.body)],
    );
  }

  /** Forgets the key (after a server-side failure) so a retry with it runs again. */
  async release(claim: Extract<IdempotencyClaim, { kind: 'claimed' }>): Promise<void> {
    await this.dataSource.query(
      'DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND claim_id = $3',
      [claim.userId, claim.key, claim.claimId],
    );
  }

  /** Deletes keys past their 24 h; returns how many. */
  async purgeExpired(): Promise<number> {
    const result = await this.dataSource.query<[unknown[], number]>(
      'DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)',
      [IDEMPOTENCY_KEY_TTL_SECONDS],
    );
    return result[1];
  }
}

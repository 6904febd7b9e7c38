import {
  FeatureTransactions,
  IdempotencyClaim,
  IdempotencyClaimRequest,
  IdempotencyKeyStore,
  IdempotencyRecord,
  IdempotentResponse,
  InjectFeatureTransactions,
} from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ORDER_FEATURE } from '../order.constants';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

/**
 * The order feature's `Idempotency-Key`s (the store behind `@Idempotent()`), scoped per user, in
 * the order database so a key's response is committed together with the order it answers.
 */
@Injectable()
export class IdempotencyKeysRepository implements IdempotencyKeyStore {
  constructor(@InjectFeatureTransactions(ORDER_FEATURE) private readonly transactions: FeatureTransactions) {}

  async claim(request: IdempotencyClaimRequest): Promise<IdempotencyClaim | undefined> {
    const claimId = randomUUID();
    // One atomic statement, hence SQL: ON CONFLICT DO UPDATE ... WHERE (rather than DO NOTHING)
    // also takes over an expired key, or one whose attempt of the same request died.
    const claimed = await this.transactions.tx.query<unknown[]>(
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
      [
        request.scope,
        request.key,
        request.requestHash,
        claimId,
        request.ttlSeconds,
        request.abandonAfterSeconds,
      ],
    );
    return claimed.length === 1 ? { scope: request.scope, key: request.key, claimId } : undefined;
  }

  async find(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const row = await this.transactions.tx.findOneBy(IdempotencyKeyEntity, { userId: scope, key });
    if (!row) return undefined;
    return {
      requestHash: row.requestHash,
      response:
        row.state === 'completed' ? { status: row.responseStatus ?? 200, body: row.responseBody } : undefined,
    };
  }

  inTransaction<T>(work: () => Promise<T>): Promise<T> {
    return this.transactions.withTransaction(work);
  }

  async complete(claim: IdempotencyClaim, response: IdempotentResponse): Promise<void> {
    // A `json` column keeps the body's text, so the replay is byte-for-byte the first response.
    await this.transactions.tx.update(
      IdempotencyKeyEntity,
      { userId: claim.scope, key: claim.key, claimId: claim.claimId },
      {
        state: 'completed',
        responseStatus: response.status,
        updatedAt: () => 'now()',
        // Any JSON value; TypeORM's partial-entity type cannot express `unknown`.
        responseBody: response.body as QueryDeepPartialEntity<unknown>,
      },
    );
  }

  async release(claim: IdempotencyClaim): Promise<void> {
    await this.transactions.tx.delete(IdempotencyKeyEntity, {
      userId: claim.scope,
      key: claim.key,
      claimId: claim.claimId,
    });
  }

  /** Deletes keys older than `ttlSeconds`; returns how many. */
  async deleteExpired(ttlSeconds: number): Promise<number> {
    const result = await this.transactions.tx
      .createQueryBuilder()
      .delete()
      .from(IdempotencyKeyEntity)
      .where('created_at < now() - make_interval(secs => :ttlSeconds)', { ttlSeconds })
      .execute();
    return result.affected ?? 0;
  }

  /** A user's keys, oldest first (for the personal-data export). */
  findAllOfUser(userId: string): Promise<IdempotencyKeyEntity[]> {
    return this.transactions.tx.find(IdempotencyKeyEntity, {
      where: { userId },
      order: { createdAt: 'ASC', key: 'ASC' },
    });
  }

  /** Deletes every key of a user (their texts and stored responses); returns how many. */
  async deleteAllOfUser(userId: string): Promise<number> {
    const result = await this.transactions.tx.delete(IdempotencyKeyEntity, { userId });
    return result.affected ?? 0;
  }
}

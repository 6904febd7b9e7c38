import { FeatureTransactions, InjectFeatureTransactions } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { IsNull, QueryFailedError } from 'typeorm';
import { AUTH_FEATURE } from '../auth.constants';
import { RefreshTokenEntity } from './refresh-token.entity';

/** One login session (a refresh-token family), as the owner's data export shows it: never a token hash. */
export interface SessionRow {
  familyId: string;
  createdAt: Date;
  /** When the session last refreshed (its newest token was issued). */
  lastUsedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

/** What issuing a token stores; the rest of the row starts empty. */
export type NewRefreshToken = Pick<RefreshTokenEntity, 'tokenHash' | 'familyId' | 'userId' | 'expiresAt'>;

/** Every query of refresh tokens and their families; joins the caller's transaction, if any. */
@Injectable()
export class RefreshTokensRepository {
  constructor(@InjectFeatureTransactions(AUTH_FEATURE) private readonly transactions: FeatureTransactions) {}

  /** False when the user no longer exists (deleted while logging in or refreshing). */
  async insert(token: NewRefreshToken): Promise<boolean> {
    try {
      await this.transactions.tx.insert(RefreshTokenEntity, token);
      return true;
    } catch (error) {
      // foreign_key_violation of refresh_tokens.user_id: the account was erased meanwhile.
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23503') {
        return false;
      }
      throw error;
    }
  }

  findByHash(tokenHash: string): Promise<RefreshTokenEntity | null> {
    return this.transactions.tx.findOneBy(RefreshTokenEntity, { tokenHash });
  }

  /** Locks the row until the transaction ends, so two rotations of one token cannot both succeed. */
  findByHashForUpdate(tokenHash: string): Promise<RefreshTokenEntity | null> {
    return this.transactions.tx.findOne(RefreshTokenEntity, {
      where: { tokenHash },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async markSpent(id: string, at: Date): Promise<void> {
    await this.transactions.tx.update(RefreshTokenEntity, { id }, { spentAt: at });
  }

  /** Revokes the tokens of the family not revoked yet (the first revocation time is kept). */
  async revokeFamily(familyId: string, at: Date): Promise<void> {
    await this.transactions.tx.update(
      RefreshTokenEntity,
      { familyId, revokedAt: IsNull() },
      { revokedAt: at },
    );
  }

  /**
   * Revokes every token of the user not revoked yet, except those of `exceptFamilyId`; returns how
   * many sessions that could still refresh (an unspent, unexpired token) were ended.
   */
  async revokeAllOfUser(userId: string, at: Date, exceptFamilyId?: string): Promise<number> {
    const rows: { live: number }[] = await this.transactions.tx.query(
      `WITH revoked AS (
         UPDATE refresh_tokens SET revoked_at = $2
          WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR family_id <> $3::uuid)
          RETURNING family_id, spent_at, expires_at)
       SELECT count(DISTINCT family_id) FILTER (WHERE spent_at IS NULL AND expires_at > $2)::int AS live
         FROM revoked`,
      [userId, at, exceptFamilyId ?? null],
    );
    return rows[0]?.live ?? 0;
  }

  /** The user's sessions, newest first. */
  async listSessions(userId: string): Promise<SessionRow[]> {
    const rows: {
      family_id: string;
      created_at: Date;
      last_used_at: Date;
      expires_at: Date;
      revoked_at: Date | null;
    }[] = await this.transactions.tx.query(
      `SELECT family_id, min(created_at) AS created_at, max(created_at) AS last_used_at,
              max(expires_at) AS expires_at, max(revoked_at) AS revoked_at
         FROM refresh_tokens WHERE user_id = $1
        GROUP BY family_id ORDER BY min(created_at) DESC`,
      [userId],
    );
    return rows.map((row) => ({
      familyId: row.family_id,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
    }));
  }

  async deleteForUser(userId: string): Promise<void> {
    await this.transactions.tx.delete(RefreshTokenEntity, { userId });
  }
}

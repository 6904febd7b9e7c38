import { FeatureTransactions, InjectFeatureTransactions } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { AUTH_FEATURE } from '../auth.constants';
import { RefreshTokenEntity } from './refresh-token.entity';

export interface NewRefreshToken {
  tokenHash: string;
  familyId: string;
  userId: string;
  expiresAt: Date;
}

/** Every query of refresh tokens and their families; joins the caller's transaction, if any. */
@Injectable()
export class RefreshTokensRepository {
  constructor(@InjectFeatureTransactions(AUTH_FEATURE) private readonly transactions: FeatureTransactions) {}

  async insert(token: NewRefreshToken): Promise<void> {
    await this.transactions.tx.insert(RefreshTokenEntity, token);
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
}

import { FeatureTransactions, InjectFeatureTransactions, UnauthenticatedError } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AUTH_FEATURE } from '../auth.constants';
import { AuthEnv } from '../auth.env';
import { RefreshTokensRepository } from '../data/refresh-tokens.repository';
import { decideRefresh } from './refresh-rotation';

export const INVALID_REFRESH_TOKEN = 'Invalid refresh token';

/** The account was erased between the password check (or rotation) and the token's issue. */
export const ACCOUNT_GONE = 'The account no longer exists';

/** Only this digest is stored: a leaked table gives nobody a usable token. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Opaque, single-use refresh tokens grouped in families (one per login session). */
@Injectable()
export class RefreshTokensService {
  private readonly ttlSeconds: number;

  constructor(
    private readonly tokens: RefreshTokensRepository,
    @InjectFeatureTransactions(AUTH_FEATURE) private readonly transactions: FeatureTransactions,
    config: ConfigService<AuthEnv, true>,
  ) {
    this.ttlSeconds = config.get('REFRESH_TOKEN_TTL', { infer: true });
  }

  /** Issues a token of `familyId`; a new login starts a new family. */
  async issue(userId: string, familyId: string = randomUUID()): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const inserted = await this.tokens.insert({
      tokenHash: hashRefreshToken(token),
      familyId,
      userId,
      expiresAt: new Date(Date.now() + this.ttlSeconds * 1000),
    });
    if (!inserted) throw new UnauthenticatedError(ACCOUNT_GONE);
    return token;
  }

  /** Spends `presented` and returns its successor; replaying a spent token revokes its family. */
  async rotate(presented: string): Promise<{ userId: string; refreshToken: string }> {
    const outcome = await this.transactions.withTransaction(async () => {
      const current = await this.tokens.findByHashForUpdate(hashRefreshToken(presented));
      if (!current) return undefined;
      const now = new Date();
      const decision = decideRefresh(current, now);
      if (decision === 'revoke-family') {
        await this.tokens.revokeFamily(current.familyId, now);
        return undefined;
      }
      if (decision !== 'rotate') return undefined;
      await this.tokens.markSpent(current.id, now);
      return {
        userId: current.userId,
        refreshToken: await this.issue(current.userId, current.familyId),
      };
    });
    // Thrown outside the transaction so that a family revocation commits.
    if (!outcome) throw new UnauthenticatedError(INVALID_REFRESH_TOKEN);
    return outcome;
  }

  /** Ends the session the token belongs to (all of its family). */
  async revoke(presented: string): Promise<void> {
    const token = await this.tokens.findByHash(hashRefreshToken(presented));
    if (!token) throw new UnauthenticatedError(INVALID_REFRESH_TOKEN);
    await this.tokens.revokeFamily(token.familyId, new Date());
  }
}

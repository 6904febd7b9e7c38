import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { AUTH_DATA_SOURCE } from '../auth.constants';
import { AuthEnv } from '../auth.env';
import { RefreshTokenEntity } from './refresh-token.entity';
import { decideRefresh } from './refresh-rotation';

const INVALID_REFRESH_TOKEN = 'Invalid refresh token';

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

@Injectable()
export class RefreshTokenService {
  private readonly ttlSeconds: number;

  constructor(
    @InjectDataSource(AUTH_DATA_SOURCE) private readonly dataSource: DataSource,
    config: ConfigService<AuthEnv, true>,
  ) {
    this.ttlSeconds = config.get('REFRESH_TOKEN_TTL', { infer: true });
  }

  /** Issues an opaque token; a new login starts a new family. */
  async issue(
    userId: string,
    familyId: string = randomUUID(),
    manager: EntityManager = this.dataSource.manager,
  ): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await manager.insert(RefreshTokenEntity, {
      tokenHash: hashRefreshToken(token),
      familyId,
      userId,
      expiresAt: new Date(Date.now() + this.ttlSeconds * 1000),
    });
    return token;
  }

  /** Spends `presented` and returns its successor; replaying a spent token revokes its family. */
  async rotate(presented: string): Promise<{ userId: string; refreshToken: string }> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const current = await manager.findOne(RefreshTokenEntity, {
        where: { tokenHash: hashRefreshToken(presented) },
        lock: { mode: 'pessimistic_write' },
      });
      if (!current) return undefined;
      const decision = decideRefresh(current, new Date());
      if (decision === 'revoke-family') {
        await this.revokeFamily(current.familyId, manager);
        return undefined;
      }
      if (decision !== 'rotate') return undefined;
      await manager.update(RefreshTokenEntity, { id: current.id }, { spentAt: new Date() });
      return {
        userId: current.userId,
        refreshToken: await this.issue(current.userId, current.familyId, manager),
      };
    });
    // Thrown outside the transaction so a family revocation commits.
    if (!outcome) throw new UnauthorizedException(INVALID_REFRESH_TOKEN);
    return outcome;
  }

  /** Ends the session the token belongs to (all of its family). */
  async revoke(presented: string): Promise<void> {
    const token = await this.dataSource.manager.findOne(RefreshTokenEntity, {
      where: { tokenHash: hashRefreshToken(presented) },
    });
    if (!token) throw new UnauthorizedException(INVALID_REFRESH_TOKEN);
    await this.revokeFamily(token.familyId, this.dataSource.manager);
  }

  private async revokeFamily(familyId: string, manager: EntityManager): Promise<void> {
    await manager.update(RefreshTokenEntity, { familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }
}

import { UnauthenticatedError } from '@coursehub/core';
import { getTransactionHostToken } from '@nestjs-cls/transactional';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { AUTH_FEATURE } from '../auth.constants';
import { RefreshTokenEntity } from '../data/refresh-token.entity';
import { NewRefreshToken, RefreshTokensRepository } from '../data/refresh-tokens.repository';
import { hashRefreshToken, RefreshTokensService } from './refresh-tokens.service';

/** The repository port RefreshTokensService uses, in memory; `snapshot`/`restore` let the fake transactions roll back. */
class InMemoryRefreshTokens implements Pick<
  RefreshTokensRepository,
  'insert' | 'findByHash' | 'findByHashForUpdate' | 'markSpent' | 'revokeFamily'
> {
  rows: RefreshTokenEntity[] = [];
  lockedWithoutTransaction = false;

  constructor(private readonly transactions: FakeTransactions) {}

  insert(token: NewRefreshToken): Promise<boolean> {
    this.rows.push({ id: randomUUID(), ...token, spentAt: null, revokedAt: null, createdAt: new Date() });
    return Promise.resolve(true);
  }

  findByHash(tokenHash: string): Promise<RefreshTokenEntity | null> {
    return Promise.resolve(this.rows.find((row) => row.tokenHash === tokenHash) ?? null);
  }

  findByHashForUpdate(tokenHash: string): Promise<RefreshTokenEntity | null> {
    // A row lock outside a transaction would be released at once: rotation must not rely on one.
    if (!this.transactions.active) this.lockedWithoutTransaction = true;
    return this.findByHash(tokenHash);
  }

  markSpent(id: string, at: Date): Promise<void> {
    for (const row of this.rows) if (row.id === id) row.spentAt = at;
    return Promise.resolve();
  }

  revokeFamily(familyId: string, at: Date): Promise<void> {
    for (const row of this.rows) if (row.familyId === familyId && !row.revokedAt) row.revokedAt = at;
    return Promise.resolve();
  }

  snapshot(): RefreshTokenEntity[] {
    return this.rows.map((row) => ({ ...row }));
  }

  restore(rows: RefreshTokenEntity[]): void {
    this.rows = rows;
  }
}

/** FeatureTransactions as far as the service uses it: a failed transaction undoes its writes. */
class FakeTransactions {
  active = false;
  store?: InMemoryRefreshTokens;

  async withTransaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.active) return work();
    const saved = this.store!.snapshot();
    this.active = true;
    try {
      return await work();
    } catch (error) {
      this.store!.restore(saved);
      throw error;
    } finally {
      this.active = false;
    }
  }
}

describe('RefreshTokensService', () => {
  const TTL_SECONDS = 3_600;
  const userId = '6f9c1a57-7c6e-4d0b-a1c5-2f4b9b8f8a10';
  let transactions: FakeTransactions;
  let tokens: InMemoryRefreshTokens;
  let service: RefreshTokensService;

  beforeEach(async () => {
    transactions = new FakeTransactions();
    tokens = new InMemoryRefreshTokens(transactions);
    transactions.store = tokens;
    const moduleRef = await Test.createTestingModule({
      providers: [
        RefreshTokensService,
        { provide: RefreshTokensRepository, useValue: tokens },
        { provide: getTransactionHostToken(AUTH_FEATURE), useValue: transactions },
        { provide: ConfigService, useValue: new ConfigService({ REFRESH_TOKEN_TTL: TTL_SECONDS }) },
      ],
    }).compile();
    service = moduleRef.get(RefreshTokensService);
  });

  const rowOf = (token: string) => tokens.rows.find((row) => row.tokenHash === hashRefreshToken(token))!;
  const rejection = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect((error as Error).message).toBe('Invalid refresh token');
  };

  it('stores only the digest of an opaque token, expiring after the TTL, in a new family per login', async () => {
    const before = Date.now();
    const first = await service.issue(userId);
    const second = await service.issue(userId);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokens.rows.map((row) => row.tokenHash)).toEqual([
      hashRefreshToken(first),
      hashRefreshToken(second),
    ]);
    expect(tokens.rows.some((row) => row.tokenHash.includes(first))).toBe(false);
    expect(rowOf(first).familyId).not.toBe(rowOf(second).familyId);
    const expiresIn = rowOf(first).expiresAt.getTime() - before;
    expect(expiresIn).toBeGreaterThanOrEqual(TTL_SECONDS * 1000);
    expect(expiresIn).toBeLessThan(TTL_SECONDS * 1000 + 5_000);
  });

  it('rotates: spends the token under a row lock in a transaction and issues a successor of its family', async () => {
    const presented = await service.issue(userId);
    const rotated = await service.rotate(presented);
    expect(rotated.userId).toBe(userId);
    expect(rotated.refreshToken).not.toBe(presented);
    expect(rowOf(presented).spentAt).toBeInstanceOf(Date);
    expect(rowOf(rotated.refreshToken)).toMatchObject({
      familyId: rowOf(presented).familyId,
      userId,
      spentAt: null,
      revokedAt: null,
    });
    expect(tokens.lockedWithoutTransaction).toBe(false);
  });

  it('treats a replayed token as theft: the call fails and the whole family stays revoked', async () => {
    const stolen = await service.issue(userId);
    const { refreshToken: successor } = await service.rotate(stolen);
    const otherSession = await service.issue(userId);

    await rejection(service.rotate(stolen));

    // Revocation committed although the call failed; the other session is untouched.
    expect(rowOf(stolen).revokedAt).toBeInstanceOf(Date);
    expect(rowOf(successor).revokedAt).toBeInstanceOf(Date);
    expect(rowOf(otherSession).revokedAt).toBeNull();
    await rejection(service.rotate(successor));
    await expect(service.rotate(otherSession)).resolves.toMatchObject({ userId });
  });

  it('rejects unknown and expired tokens without spending anything', async () => {
    await rejection(service.rotate('never-issued-token-of-sufficient-length'));
    const expired = await service.issue(userId);
    rowOf(expired).expiresAt = new Date(Date.now() - 1_000);
    await rejection(service.rotate(expired));
    expect(rowOf(expired)).toMatchObject({ spentAt: null, revokedAt: null });
    expect(tokens.rows).toHaveLength(1);
  });

  it('logs out: revokes the family of the token, and refuses a token it does not know', async () => {
    const presented = await service.issue(userId);
    const { refreshToken: successor } = await service.rotate(presented);
    await service.revoke(successor);
    expect(tokens.rows.every((row) => row.revokedAt instanceof Date)).toBe(true);
    await rejection(service.rotate(successor));
    await rejection(service.revoke('never-issued-token-of-sufficient-length'));
  });
});

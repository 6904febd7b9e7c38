import { InvalidInputError } from '@coursehub/core';
import { InMemoryFeatureDatabase } from '@coursehub/testing';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { AccountTokenEntity, AccountTokenPurpose } from '../data/account-token.entity';
import { AccountTokensRepository, NewAccountToken } from '../data/account-tokens.repository';
import { UserEntity } from '../data/user.entity';
import { AccountTokensService, hashAccountToken } from './account-tokens.service';

class InMemoryAuthDatabase extends InMemoryFeatureDatabase {
  readonly tokens = this.table<AccountTokenEntity>();
}

/** The rules of the real table: unique hashes, row locks only inside a transaction. */
class InMemoryAccountTokens implements Pick<AccountTokensRepository, keyof AccountTokensRepository> {
  constructor(private readonly db: InMemoryAuthDatabase) {}

  insert(token: NewAccountToken): Promise<void> {
    const id = randomUUID();
    this.db.tokens.set(id, { id, ...token, usedAt: null, createdAt: new Date() });
    return Promise.resolve();
  }

  findByHash(tokenHash: string): Promise<AccountTokenEntity | null> {
    const row = [...this.db.tokens.values()].find((token) => token.tokenHash === tokenHash);
    return Promise.resolve(row ? { ...row } : null);
  }

  findByHashForUpdate(tokenHash: string): Promise<AccountTokenEntity | null> {
    if (!this.db.inTransaction) throw new Error('a row lock needs a transaction');
    return this.findByHash(tokenHash);
  }

  spendAll(userId: string, purposes: AccountTokenPurpose[], at: Date): Promise<void> {
    for (const row of this.db.tokens.values()) {
      if (row.userId === userId && purposes.includes(row.purpose) && row.usedAt === null) row.usedAt = at;
    }
    return Promise.resolve();
  }

  emailsOfUser(userId: string): Promise<string[]> {
    return Promise.resolve([
      ...new Set([...this.db.tokens.values()].filter((row) => row.userId === userId).map((row) => row.email)),
    ]);
  }

  deleteForUser(userId: string): Promise<void> {
    for (const [id, row] of this.db.tokens) if (row.userId === userId) this.db.tokens.delete(id);
    return Promise.resolve();
  }
}

const ada: UserEntity = {
  id: '6f9c1a57-7c6e-4d0b-a1c5-2f4b9b8f8a10',
  email: 'ada@example.com',
  displayName: 'Ada',
  passwordHash: 'irrelevant',
  roles: ['student'],
  emailVerifiedAt: null,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
};

describe('AccountTokensService', () => {
  let db: InMemoryAuthDatabase;
  let service: AccountTokensService;
  const now = new Date('2026-11-29T10:00:00.000Z');
  const tokenOf = (url: unknown) => new URL(String(url)).searchParams.get('token')!;

  beforeEach(() => {
    db = new InMemoryAuthDatabase();
    const config = new ConfigService({
      EMAIL_VERIFICATION_TTL_MS: 24 * 3_600_000,
      RESET_LINK_TTL_MS: 30 * 60_000,
      PUBLIC_URL: 'https://learn.example.org/',
      PORT: 3000,
    });
    service = new AccountTokensService(
      new InMemoryAccountTokens(db) as never,
      db.outbox as never,
      config as never,
    );
  });

  it('e-mails a 24-hour verification link under PUBLIC_URL and stores only the token’s SHA-256', async () => {
    const expiresAt = await db.withTransaction(() =>
      service.requestVerification(ada, 'registration', ada.email, now),
    );
    expect(expiresAt.toISOString()).toBe('2026-11-30T10:00:00.000Z');
    const [event] = db.events;
    expect(event).toMatchObject({
      type: 'user.email-verification-requested',
      key: ada.id,
      data: {
        userId: ada.id,
        email: ada.email,
        displayName: 'Ada',
        purpose: 'registration',
        expiresAt: '2026-11-30T10:00:00.000Z',
      },
    });
    expect(event.data.verificationUrl).toMatch(
      /^https:\/\/learn\.example\.org\/verify-email\?token=[\w-]{43}$/,
    );
    const token = tokenOf(event.data.verificationUrl);
    const [row] = db.tokens.values();
    expect(row).toMatchObject({
      purpose: 'email-verification',
      tokenHash: hashAccountToken(token),
      email: ada.email,
    });
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it('e-mails a 30-minute reset link', async () => {
    await db.withTransaction(() => service.requestPasswordReset(ada, now));
    expect(db.events[0]).toMatchObject({
      type: 'user.password-reset-requested',
      data: { email: ada.email, expiresAt: '2026-11-29T10:30:00.000Z' },
    });
    expect(String(db.events[0].data.resetUrl)).toMatch(
      /^https:\/\/learn\.example\.org\/reset-password\?token=/,
    );
  });

  it('spends a token once, for its purpose only, before it expires; a spent one voids its siblings', async () => {
    await db.withTransaction(() => service.requestPasswordReset(ada, now));
    await db.withTransaction(() => service.requestPasswordReset(ada, now));
    const [older, newer] = db.events.map((event) => tokenOf(event.data.resetUrl));
    const spend = (token: string, purposes: AccountTokenPurpose[], at: Date) =>
      db.withTransaction(() => service.spend(token, purposes, at));
    const later = new Date(now.getTime() + 60_000);

    await expect(spend(newer, ['email-verification', 'email-change'], later)).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(spend(newer, ['password-reset'], new Date(now.getTime() + 30 * 60_000))).rejects.toThrow(
      'This link is invalid or has expired',
    );
    await expect(service.check(newer, ['password-reset'], later)).resolves.toMatchObject({ userId: ada.id });
    await expect(spend(newer, ['password-reset'], later)).resolves.toMatchObject({ userId: ada.id });
    await expect(spend(newer, ['password-reset'], later)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(spend(older, ['password-reset'], later)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(
      spend('never-issued-token-of-some-length', ['password-reset'], later),
    ).rejects.toBeInstanceOf(InvalidInputError);
  });
});

import { ForbiddenError } from '@coursehub/core';
import { InMemoryFeatureDatabase } from '@coursehub/testing';
import { PASSWORD_RESET_ANSWER_FLOOR_MS } from '../auth.constants';
import { RefreshTokenEntity } from '../data/refresh-token.entity';
import { UserEntity } from '../data/user.entity';
import { CredentialsService } from './credentials.service';
import { hashRefreshToken } from './refresh-tokens.service';

const ada: UserEntity = {
  id: '6f9c1a57-7c6e-4d0b-a1c5-2f4b9b8f8a10',
  email: 'ada@example.com',
  displayName: 'Ada',
  passwordHash: 'hash-of:analytical-engine',
  roles: ['student'],
  emailVerifiedAt: null,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
};

/** The ports of CredentialsService, in memory. */
function build(options: { resetBudget?: boolean } = {}) {
  const db = new InMemoryFeatureDatabase();
  const users = new Map([[ada.id, { ...ada }]]);
  const refreshRows: Pick<RefreshTokenEntity, 'tokenHash' | 'familyId' | 'userId' | 'revokedAt'>[] = [
    { tokenHash: hashRefreshToken('laptop-token'), familyId: 'laptop', userId: ada.id, revokedAt: null },
    { tokenHash: hashRefreshToken('phone-token'), familyId: 'phone', userId: ada.id, revokedAt: null },
    {
      tokenHash: hashRefreshToken('other-token'),
      familyId: 'other',
      userId: 'someone-else',
      revokedAt: null,
    },
  ];
  const resetsSent: string[] = [];
  const failures: string[] = [];
  const usersRepository = {
    findByEmail: (email: string) =>
      Promise.resolve([...users.values()].find((u) => u.email === email) ?? null),
    findById: (id: string) => Promise.resolve(users.get(id) ?? null),
    findByIdForUpdate: (id: string) => {
      if (!db.inTransaction) throw new Error('a row lock needs a transaction');
      return Promise.resolve(users.get(id) ?? null);
    },
    updatePasswordHash: (id: string, passwordHash: string) => {
      users.get(id)!.passwordHash = passwordHash;
      return Promise.resolve();
    },
  };
  const refreshTokens = {
    findByHash: (hash: string) => Promise.resolve(refreshRows.find((row) => row.tokenHash === hash) ?? null),
    revokeAllOfUser: (userId: string, at: Date, except?: string) => {
      const revoked = refreshRows.filter(
        (row) => row.userId === userId && row.revokedAt === null && row.familyId !== except,
      );
      for (const row of revoked) row.revokedAt = at;
      return Promise.resolve(revoked.length);
    },
  };
  const service = new CredentialsService(
    usersRepository as never,
    refreshTokens as never,
    {
      requestPasswordReset: (user: UserEntity) => {
        resetsSent.push(user.email);
        return Promise.resolve(new Date());
      },
    } as never,
    {
      hash: (password: string) => Promise.resolve(`hash-of:${password}`),
      verify: (hash: string, password: string) =>
        Promise.resolve({ valid: hash === `hash-of:${password}`, needsRehash: false }),
    } as never,
    {
      recordPasswordReset: () => Promise.resolve(options.resetBudget ?? true),
      waitForAccount: () => Promise.resolve(),
      recordLoginFailure: (email: string, client: string) =>
        Promise.resolve(void failures.push(`${email}@${client}`)),
    } as never,
    db.outbox as never,
    db as never,
  );
  return { service, db, users, refreshRows, resetsSent, failures };
}

describe('CredentialsService', () => {
  it('answers a reset request for a known and an unknown address after the same floor, e-mailing only the known one', async () => {
    const { service, resetsSent } = build();
    for (const email of [' ADA@example.com', 'nobody@example.com']) {
      const started = performance.now();
      await service.requestReset(email, '192.0.2.1');
      expect(performance.now() - started).toBeGreaterThanOrEqual(PASSWORD_RESET_ANSWER_FLOOR_MS - 5);
    }
    expect(resetsSent).toEqual(['ada@example.com']);
  });

  it('sends no reset e-mail past the address’s budget, answering the same', async () => {
    const { service, resetsSent } = build({ resetBudget: false });
    await expect(service.requestReset('ada@example.com', '192.0.2.1')).resolves.toBeUndefined();
    expect(resetsSent).toEqual([]);
  });

  it('changes the password keeping only the session of the caller’s own refresh token, with a notice', async () => {
    const { service, users, refreshRows, db } = build();
    await expect(
      service.change(
        ada.id,
        {
          currentPassword: 'analytical-engine',
          newPassword: 'difference-engine',
          refreshToken: 'laptop-token',
        },
        '192.0.2.1',
      ),
    ).resolves.toEqual({ revokedSessions: 1, currentSessionKept: true });
    expect(users.get(ada.id)!.passwordHash).toBe('hash-of:difference-engine');
    expect(refreshRows.map((row) => [row.familyId, row.revokedAt !== null])).toEqual([
      ['laptop', false],
      ['phone', true],
      ['other', false],
    ]);
    expect(db.events).toEqual([
      expect.objectContaining({
        type: 'user.security-notice',
        key: ada.id,
        data: expect.objectContaining({ email: ada.email, notice: 'password-changed' }),
      }),
    ]);
  });

  it('ends every session when the refresh token sent is somebody else’s', async () => {
    const { service, refreshRows } = build();
    await expect(
      service.change(
        ada.id,
        {
          currentPassword: 'analytical-engine',
          newPassword: 'difference-engine',
          refreshToken: 'other-token',
        },
        '192.0.2.1',
      ),
    ).resolves.toEqual({ revokedSessions: 2, currentSessionKept: false });
    expect(refreshRows.find((row) => row.familyId === 'other')!.revokedAt).toBeNull();
  });

  it('refuses a wrong current password (403), counting it as a failed login, and changes nothing', async () => {
    const { service, users, failures, db } = build();
    await expect(
      service.change(ada.id, { currentPassword: 'wrong', newPassword: 'difference-engine' }, '192.0.2.1'),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(failures).toEqual(['ada@example.com@192.0.2.1']);
    expect(users.get(ada.id)!.passwordHash).toBe(ada.passwordHash);
    expect(db.events).toEqual([]);
  });
});

import { AuthenticatedUser, UnauthenticatedError } from '@coursehub/core';
import { Test } from '@nestjs/testing';
import { UserEntity } from '../data/user.entity';
import { UsersRepository } from '../data/users.repository';
import { AccessTokensService } from './access-tokens.service';
import { AuthService } from './auth.service';
import { CredentialsThrottle } from './credentials-throttle.service';
import { PasswordHasher } from './password-hasher.service';
import { RefreshTokensService } from './refresh-tokens.service';
import { UsersService } from './users.service';

const ada: UserEntity = {
  id: '6f9c1a57-7c6e-4d0b-a1c5-2f4b9b8f8a10',
  email: 'ada@example.com',
  displayName: 'Ada',
  passwordHash: 'hash-of:analytical-engine',
  roles: ['student', 'instructor'],
  emailVerifiedAt: null,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
};

/** The ports of AuthService, in memory. */
function fakes() {
  const users = new Map([[ada.email, ada]]);
  const verified: (string | undefined)[] = [];
  return {
    verified,
    usersRepository: {
      findByEmail: (email: string) => Promise.resolve(users.get(email) ?? null),
      findById: (id: string) => Promise.resolve([...users.values()].find((user) => user.id === id) ?? null),
    },
    hasher: {
      verify: (hash: string | undefined, password: string) => {
        verified.push(hash);
        return Promise.resolve({ valid: hash === `hash-of:${password}`, needsRehash: false });
      },
    },
    throttled: [] as string[],
    accessTokens: {
      ttlSeconds: 900,
      issue: (user: AuthenticatedUser) => Promise.resolve(`access-for:${JSON.stringify(user)}`),
    },
    refreshTokens: {
      issue: (userId: string) => Promise.resolve(`refresh-for:${userId}`),
      rotate: (presented: string) =>
        presented === 'live-token'
          ? Promise.resolve({ userId: ada.id, refreshToken: 'successor-token' })
          : presented === 'token-of-deleted-user'
            ? Promise.resolve({ userId: '00000000-0000-4000-8000-000000000000', refreshToken: 'orphan' })
            : Promise.reject(new UnauthenticatedError('Invalid refresh token')),
    },
  };
}

describe('AuthService', () => {
  let ports: ReturnType<typeof fakes>;
  let auth: AuthService;

  beforeEach(async () => {
    ports = fakes();
    const moduleRef = await Test.createTestingModule({
      providers: [
        AuthService,
        { provide: UsersService, useValue: {} },
        { provide: UsersRepository, useValue: ports.usersRepository },
        { provide: PasswordHasher, useValue: ports.hasher },
        { provide: AccessTokensService, useValue: ports.accessTokens },
        { provide: RefreshTokensService, useValue: ports.refreshTokens },
        {
          provide: CredentialsThrottle,
          useValue: {
            waitForAccount: (email: string) => Promise.resolve(void ports.throttled.push(`wait:${email}`)),
            recordLoginFailure: (email: string, client: string) =>
              Promise.resolve(void ports.throttled.push(`failure:${email}:${client}`)),
            recordLoginSuccess: (email: string) =>
              Promise.resolve(void ports.throttled.push(`success:${email}`)),
          },
        },
      ],
    }).compile();
    auth = moduleRef.get(AuthService);
  });

  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );

  it('logs in with the normalised e-mail: an access token for the user and a new refresh token', async () => {
    await expect(
      auth.login({ email: '  ADA@Example.com ', password: 'analytical-engine' }, '192.0.2.1'),
    ).resolves.toEqual({
      accessToken: `access-for:${JSON.stringify({
        id: ada.id,
        email: ada.email,
        roles: ada.roles,
        emailVerified: false,
      })}`,
      refreshToken: `refresh-for:${ada.id}`,
      expiresIn: 900,
      tokenType: 'Bearer',
    });
  });

  it('refuses an unknown e-mail and a wrong password alike, verifying a password both times', async () => {
    const unknown = await failureOf(
      auth.login({ email: 'nobody@example.com', password: 'analytical-engine' }, '192.0.2.1'),
    );
    const wrong = await failureOf(
      auth.login({ email: 'ada@example.com', password: 'difference-engine' }, '192.0.2.1'),
    );
    for (const error of [unknown, wrong]) {
      expect(error).toBeInstanceOf(UnauthenticatedError);
      expect((error as Error).message).toBe('Invalid e-mail or password');
    }
    // The unknown user still costs a verification (against the hasher's dummy hash).
    expect(ports.verified).toEqual([undefined, ada.passwordHash]);
    // Both wait out the account's delay and count against the account and the client, alike.
    expect(ports.throttled).toEqual([
      'wait:nobody@example.com',
      'failure:nobody@example.com:192.0.2.1',
      'wait:ada@example.com',
      'failure:ada@example.com:192.0.2.1',
    ]);
  });

  it('refreshes into a token pair with the current roles of the rotated token’s user', async () => {
    const pair = await auth.refresh('live-token');
    expect(pair).toMatchObject({ refreshToken: 'successor-token', expiresIn: 900, tokenType: 'Bearer' });
    expect(pair.accessToken).toContain(`"roles":["student","instructor"]`);
  });

  it('refuses a refresh the rotation refuses, or whose user is gone', async () => {
    for (const presented of ['spent-token', 'token-of-deleted-user']) {
      const error = await failureOf(auth.refresh(presented));
      expect(error).toBeInstanceOf(UnauthenticatedError);
      expect((error as Error).message).toBe('Invalid refresh token');
    }
  });
});

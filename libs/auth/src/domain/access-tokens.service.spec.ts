import { JwtAccessStrategy } from '@coursehub/core';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { accessTokenJwtOptions, AccessTokensService } from './access-tokens.service';
import { SigningKeysService } from './signing-keys.service';

function configOf(values: Record<string, unknown>): ConfigService {
  return new ConfigService({
    NODE_ENV: 'test',
    JWT_ISSUER: 'coursehub-auth',
    JWT_AUDIENCE: 'coursehub',
    JWT_ACCESS_TOKEN_TTL: 900,
    ...values,
  });
}

describe('AccessTokensService', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'coursehub-keys-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = configOf({ DATA_DIR: dataDir });
  const keys = new SigningKeysService(config as never);
  const tokens = new AccessTokensService(
    new JwtService(accessTokenJwtOptions(config as never)),
    keys,
    config as never,
  );
  const user = {
    id: '6f9c1a57-7c6e-4d0b-a1c5-2f4b9b8f8a10',
    email: 'ada@example.com',
    roles: ['student' as const],
  };

  it('signs RS256 tokens with the key id, subject, roles, issuer, audience and a 15-minute lifetime', async () => {
    const now = new Date();
    const token = await tokens.issue(user, now);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', kid: keys.keyId });
    // Verified with another JWT library than the one that signed: the token is plain RS256.
    const publicKey = await importSPKI(
      keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      'RS256',
    );
    const { payload } = await jwtVerify(token, publicKey, {
      issuer: 'coursehub-auth',
      audience: 'coursehub',
    });
    expect(payload).toMatchObject({ sub: user.id, email: user.email, roles: ['student'] });
    expect(payload.iat).toBe(Math.floor(now.getTime() / 1000));
    expect(payload.exp! - payload.iat!).toBe(900);
  });

  it('keeps the generated development key across restarts', () => {
    expect(new SigningKeysService(config as never).keyId).toBe(keys.keyId);
  });

  it('publishes a JWKS entry whose kid the verifying side derives from the key alone', async () => {
    const [jwk] = keys.jwks().keys;
    expect(jwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: keys.keyId });
    expect(await keys.publicKeyFor(keys.keyId)).toBe(keys.publicKey);
    expect(await keys.publicKeyFor('unknown')).toBeUndefined();
  });

  it('refuses to start in production without a configured key', () => {
    expect(
      () => new SigningKeysService(configOf({ NODE_ENV: 'production', DATA_DIR: dataDir }) as never),
    ).toThrow(/JWT_PRIVATE_KEY/);
  });

  it('produces tokens the core strategy maps to the caller', () => {
    const strategy = Object.create(JwtAccessStrategy.prototype) as JwtAccessStrategy;
    expect(
      strategy.validate({
        sub: user.id,
        email: user.email,
        roles: ['student', 'wizard' as never],
        iss: '',
        aud: '',
        exp: 0,
        iat: 0,
      }),
    ).toEqual(user);
  });

  it('carries emailVerified from the account to the caller the core strategy maps', async () => {
    const strategy = Object.create(JwtAccessStrategy.prototype) as JwtAccessStrategy;
    for (const emailVerified of [true, false]) {
      const token = await tokens.issue({ ...user, emailVerified });
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<
        string,
        unknown
      >;
      expect(claims.emailVerified).toBe(emailVerified);
      expect(strategy.validate(claims as never)).toEqual({ ...user, emailVerified });
    }
    // Tokens issued before the claim existed map without it.
    const older = strategy.validate({ sub: user.id, email: user.email, roles: ['student'] } as never);
    expect(older).not.toHaveProperty('emailVerified');
  });
});

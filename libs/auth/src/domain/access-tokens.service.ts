import { ACCESS_TOKEN_ALGORITHM, AuthenticatedUser, JwtVerifierEnv } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtModuleOptions, JwtService } from '@nestjs/jwt';
import { AuthEnv } from '../auth.env';
import { SigningKeysService } from './signing-keys.service';

/**
 * The JwtModule options of access tokens: RS256, the issuer and audience verifiers expect, the
 * configured lifetime. The key and its kid are given per token (SigningKeysService.current).
 */
export function accessTokenJwtOptions(
  config: ConfigService<AuthEnv & JwtVerifierEnv, true>,
): JwtModuleOptions {
  return {
    signOptions: {
      // The one algorithm the verifiers (core's JwtAccessStrategy) accept.
      algorithm: ACCESS_TOKEN_ALGORITHM,
      issuer: config.get('JWT_ISSUER', { infer: true }),
      audience: config.get('JWT_AUDIENCE', { infer: true }),
      expiresIn: config.get('JWT_ACCESS_TOKEN_TTL', { infer: true }),
    },
  };
}

/** Issues short-lived RS256 access tokens any service verifies with the public key alone. */
@Injectable()
export class AccessTokensService {
  readonly ttlSeconds: number;

  constructor(
    private readonly jwt: JwtService,
    private readonly keys: SigningKeysService,
    config: ConfigService<AuthEnv, true>,
  ) {
    this.ttlSeconds = config.get('JWT_ACCESS_TOKEN_TTL', { infer: true });
  }

  issue(user: AuthenticatedUser, now = new Date()): Promise<string> {
    const { keyId, privateKey } = this.keys.current;
    // `iat` given explicitly so `exp` counts from `now` (jsonwebtoken adds expiresIn to it).
    const claims = {
      email: user.email,
      roles: user.roles,
      ...(user.emailVerified === undefined ? {} : { emailVerified: user.emailVerified }),
      iat: Math.floor(now.getTime() / 1000),
    };
    return this.jwt.signAsync(claims, { subject: user.id, keyid: keyId, privateKey });
  }
}

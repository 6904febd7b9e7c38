import { AuthenticatedUser, JwtVerifierEnv } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SignJWT } from 'jose';
import { AuthEnv } from '../auth.env';
import { SigningKeysService } from '../keys/signing-keys.service';

@Injectable()
export class AccessTokenService {
  readonly ttlSeconds: number;
  private readonly issuer: string;
  private readonly audience: string;

  constructor(
    private readonly keys: SigningKeysService,
    config: ConfigService<AuthEnv & JwtVerifierEnv, true>,
  ) {
    this.ttlSeconds = config.get('JWT_ACCESS_TOKEN_TTL', { infer: true });
    this.issuer = config.get('JWT_ISSUER', { infer: true });
    this.audience = config.get('JWT_AUDIENCE', { infer: true });
  }

  /** A short-lived RS256 access token any service verifies with the public key alone. */
  async issue(user: AuthenticatedUser, now = new Date()): Promise<string> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    return new SignJWT({ email: user.email, roles: user.roles })
      .setProtectedHeader({ alg: 'RS256', kid: this.keys.keyId, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.ttlSeconds)
      .sign(this.keys.privateKey);
  }
}

import { keyIdOf, Role } from '@coursehub/core';
import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

/**
 * An RS256 issuer for tests of services that only verify tokens: configure the service with
 * `publicKeyPem` (JWT_PUBLIC_KEY) and sign tokens as the auth service would.
 */
export class TestTokenIssuer {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyId: string;

  constructor(
    readonly issuer = 'coursehub-auth',
    readonly audience = 'coursehub',
  ) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
    this.keyId = keyIdOf(this.publicKey);
  }

  get publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  sign(user: { id: string; email?: string; roles: Role[] }, expiresInSeconds = 900): Promise<string> {
    return new SignJWT({ email: user.email ?? `${user.id}@example.com`, roles: user.roles })
      .setProtectedHeader({ alg: 'RS256', kid: this.keyId })
      .setSubject(user.id)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
      .sign(this.privateKey);
  }
}

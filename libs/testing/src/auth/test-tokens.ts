import { keyIdOf, Role } from '@coursehub/core';
import { JwtService } from '@nestjs/jwt';
import { generateKeyPairSync, KeyObject, randomUUID } from 'node:crypto';

/** A user of a test: a fresh id, its roles and a token for them. */
export interface Persona {
  id: string;
  roles: Role[];
  token: string;
}

/**
 * An RS256 issuer for tests of services that only verify tokens: configure the service with
 * `publicKeyPem` (JWT_PUBLIC_KEY) and sign tokens as the auth service does (same library, same
 * header and claims).
 */
export class TestTokenIssuer {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyId: string;
  private readonly jwt = new JwtService();

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
    return this.jwt.signAsync(
      { email: user.email ?? `${user.id}@example.com`, roles: user.roles },
      {
        algorithm: 'RS256',
        keyid: this.keyId,
        privateKey: this.privateKey,
        subject: user.id,
        issuer: this.issuer,
        audience: this.audience,
        expiresIn: expiresInSeconds,
      },
    );
  }

  /** A new user with these roles and a signed token. */
  async persona(roles: Role[]): Promise<Persona> {
    const id = randomUUID();
    return { id, roles, token: await this.sign({ id, roles }) };
  }
}

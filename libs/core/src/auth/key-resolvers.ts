import { createPublicKey, KeyObject } from 'node:crypto';
import { JwksClient } from 'jwks-rsa';
import { AccessTokenKeyResolver } from './access-token-keys';
import { keyIdOf } from './key-id';

/** Keys published by the auth service at its JWKS URL, cached and rate-limited by jwks-rsa. */
export class JwksKeyResolver implements AccessTokenKeyResolver {
  private readonly client: JwksClient;

  constructor(jwksUri: string) {
    this.client = new JwksClient({
      jwksUri,
      cache: true,
      cacheMaxAge: 10 * 60_000,
      rateLimit: true,
      jwksRequestsPerMinute: 30,
      timeout: 5_000,
    });
  }

  async publicKeyFor(kid: string): Promise<KeyObject | undefined> {
    try {
      const signingKey = await this.client.getSigningKey(kid);
      return createPublicKey(signingKey.getPublicKey());
    } catch {
      return undefined;
    }
  }
}

/** A single public key given as PEM; its `kid` is the RFC 7638 thumbprint, as the issuer computes it. */
export class PemKeyResolver implements AccessTokenKeyResolver {
  private readonly key: KeyObject;
  private readonly kid: string;

  constructor(pem: string) {
    this.key = createPublicKey(pem.replace(/\\n/g, '\n'));
    this.kid = keyIdOf(this.key);
  }

  publicKeyFor(kid: string): Promise<KeyObject | undefined> {
    return Promise.resolve(kid === this.kid ? this.key : undefined);
  }
}

import { createHash, KeyObject } from 'node:crypto';

/** RFC 7638 JWK thumbprint of an RSA public key: a stable `kid` both issuer and verifiers derive. */
export function keyIdOf(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || !jwk.e || !jwk.n) throw new Error('Access token keys must be RSA keys');
  const canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
  return createHash('sha256').update(canonical).digest('base64url');
}

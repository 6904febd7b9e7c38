import { KeyObject } from 'node:crypto';

/** Finds the public key that verifies an access token with the given `kid`. */
export interface AccessTokenKeyResolver {
  publicKeyFor(kid: string): Promise<KeyObject | undefined>;
}

/**
 * Provided by the module that issues tokens (the auth feature) when it runs in the same
 * process; other services resolve keys from JWKS or a configured PEM instead.
 */
export const LOCAL_ACCESS_TOKEN_KEYS = Symbol('LOCAL_ACCESS_TOKEN_KEYS');

import { createPublicKey, KeyObject } from 'node:crypto';
import { JwksClient } from 'jwks-rsa';
import { AccessTokenKeyResolver } from './access-token-keys';
import { keyIdOf } from './key-id';

/** First retry after a failed JWKS fetch; it doubles with each further failure, up to the cooldown. */
const FAILED_FETCH_RETRY_MS = 1_000;

export interface JwksKeyResolverOptions {
  jwksUri: string;
  /** At most one fetch of the key set per cooldown, whatever `kid`s callers present. */
  cooldownMs: number;
  /** Keys older than this are refreshed in the background while still being served. */
  maxAgeMs: number;
  timeoutMs?: number;
}

/**
 * Keys published by the auth service at its JWKS URL, as one cached key set. jwks-rsa's
 * getSigningKey fetches per unknown `kid` under one shared rate limit, so tokens with random kids
 * exhaust it and lock valid tokens out; jose's createRemoteJWKSet has a cooldown but fails once
 * its cache is stale and the endpoint is down. So the policy is written here (jwks-rsa still
 * fetches and converts the set, getSigningKeys): the whole set is fetched at most once per
 * cooldown (concurrent callers share that fetch), unknown kids are answered from the cached set,
 * and the last good set keeps being served, however old, while the endpoint fails. A failed fetch
 * is retried sooner (every second while no key is known, else 1 s doubling up to the cooldown): a
 * verifier that starts before the auth service must not refuse every token for a whole cooldown.
 */
export class JwksKeyResolver implements AccessTokenKeyResolver {
  private readonly client: JwksClient;
  private keys = new Map<string, KeyObject>();
  private fetchedAt = 0;
  private nextAttemptAt = 0;
  private consecutiveFailures = 0;
  private lastError?: Error;
  private inFlight?: Promise<void>;
  /** How many fetches were made (health details, tests). */
  fetches = 0;

  constructor(private readonly options: JwksKeyResolverOptions) {
    this.client = new JwksClient({
      jwksUri: options.jwksUri,
      cache: false,
      timeout: options.timeoutMs ?? 5_000,
    });
  }

  async publicKeyFor(kid: string): Promise<KeyObject | undefined> {
    const known = this.keys.get(kid);
    if (known) {
      if (Date.now() - this.fetchedAt >= this.options.maxAgeMs) void this.refresh().catch(() => undefined);
      return known;
    }
    // An unknown kid: a key published since the last fetch (rotation), or garbage. Either way
    // at most one fetch per cooldown; meanwhile it is answered from the set we have.
    await this.refresh().catch(() => undefined);
    return this.keys.get(kid);
  }

  /** The health probe: fetches when the cooldown allows, fails while the last fetch failed. */
  async probe(): Promise<Record<string, unknown>> {
    await this.refresh().catch(() => undefined);
    const details = {
      keys: this.keys.size,
      ageSeconds: this.fetchedAt ? Math.round((Date.now() - this.fetchedAt) / 1000) : null,
    };
    if (this.lastError) {
      throw new Error(`${this.lastError.message} (serving ${details.keys} cached keys)`);
    }
    return details;
  }

  private refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (Date.now() < this.nextAttemptAt) return Promise.resolve();
    // Until the fetch ends, nobody else starts one; then the outcome sets the next allowed attempt.
    this.nextAttemptAt = Number.POSITIVE_INFINITY;
    this.fetches++;
    this.inFlight = this.client
      .getSigningKeys()
      .then(
        (signingKeys) => {
          this.keys = new Map(
            signingKeys
              .filter((key) => key.kid)
              .map((key) => [key.kid, createPublicKey(key.getPublicKey())] as const),
          );
          this.fetchedAt = Date.now();
          this.lastError = undefined;
          this.consecutiveFailures = 0;
          this.nextAttemptAt = Date.now() + this.options.cooldownMs;
        },
        (error: unknown) => {
          this.lastError = error instanceof Error ? error : new Error(String(error));
          this.consecutiveFailures++;
          // With no key at all every token fails: keep trying each second. With keys, back off.
          const backoffMs = FAILED_FETCH_RETRY_MS * 2 ** (this.consecutiveFailures - 1);
          const retryMs =
            this.keys.size === 0 ? FAILED_FETCH_RETRY_MS : Math.min(this.options.cooldownMs, backoffMs);
          this.nextAttemptAt = Date.now() + retryMs;
          throw this.lastError;
        },
      )
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
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

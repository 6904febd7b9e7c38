/** The response an `Idempotency-Key` replays: status code and JSON body. */
export interface IdempotentResponse {
  status: number;
  body: unknown;
}

/** Proof of holding a key: only the holder's `complete` or `release` takes effect. */
export interface IdempotencyClaim {
  scope: string;
  key: string;
  claimId: string;
}

export interface IdempotencyClaimRequest {
  /** Whose key it is (the caller's id): keys of different callers never meet. */
  scope: string;
  key: string;
  /** What identifies the request (see requestHashOf): the same key with another hash is refused. */
  requestHash: string;
  /** A key older than this counts as new: its first response is forgotten. */
  ttlSeconds: number;
  /** An attempt of the same request still in progress after this long died (crash): take it over. */
  abandonAfterSeconds: number;
}

/** A key someone else holds or held. */
export interface IdempotencyRecord {
  requestHash: string;
  /** The first response; undefined while that request is still in progress. */
  response?: IdempotentResponse;
}

/**
 * Where `@Idempotent()` keeps its keys: a port each feature implements on its own database, so
 * the replayed response is stored in the same transaction as the change it answers.
 */
export interface IdempotencyKeyStore {
  /**
   * Claims the key in one atomic step: a new key, an expired one, or an abandoned attempt of the
   * same request. Undefined when another request holds it (see `find`).
   */
  claim(request: IdempotencyClaimRequest): Promise<IdempotencyClaim | undefined>;
  find(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Runs `work` in a transaction of the feature database; `complete` inside it joins it. */
  inTransaction<T>(work: () => Promise<T>): Promise<T>;
  /** Stores the response to replay (in the current transaction when one is active). */
  complete(claim: IdempotencyClaim, response: IdempotentResponse): Promise<void>;
  /** Forgets the key, so a retry with it runs again. */
  release(claim: IdempotencyClaim): Promise<void>;
}

/** Inject token of the IdempotencyKeyStore of the feature whose controller uses `@Idempotent()`. */
export const IDEMPOTENCY_KEY_STORE = Symbol('IDEMPOTENCY_KEY_STORE');

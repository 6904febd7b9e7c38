/** Nobody answered a request within its timeout (the other service is down or overloaded). */
export class RequestTimeoutError extends Error {
  constructor(
    readonly topic: string,
    readonly timeoutMs: number,
  ) {
    super(`No reply on ${topic} within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

/** The transport itself failed (broker unreachable, connection refused). */
export class TransportUnavailableError extends Error {
  constructor(
    readonly topic: string,
    cause: unknown,
  ) {
    super(`Transport unavailable for ${topic}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'TransportUnavailableError';
  }
}

/** Exponential backoff with full jitter, capped: the n-th retry (1-based) waits up to base·2^(n-1). */
export function backoffDelayMs(
  attempt: number,
  baseMs: number,
  maxMs = 30_000,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

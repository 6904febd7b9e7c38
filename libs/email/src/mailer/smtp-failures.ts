/** Connection-level failures nodemailer reports (no SMTP reply at all): the relay may be back soon. */
const TRANSIENT_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * Whether another attempt may succeed: a 4xx reply (greylisting, overload, "try again later") or
 * no reply at all (connection refused, timeout). A 5xx reply is permanent: retrying cannot help.
 */
export function isTransientSmtpFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { responseCode, code } = error as { responseCode?: unknown; code?: unknown };
  if (typeof responseCode === 'number') return responseCode >= 400 && responseCode < 500;
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
}

/** A short, log- and admin-friendly description: SMTP reply or error code plus message. */
export function describeSmtpFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { response, responseCode, code } = error as Error & {
    response?: unknown;
    responseCode?: unknown;
    code?: unknown;
  };
  // The relay's own reply ("451 Greylisted") says more than nodemailer's wrapping message.
  const description =
    typeof responseCode === 'number' && typeof response === 'string'
      ? response
      : typeof code === 'string'
        ? `${code}: ${error.message}`
        : error.message;
  return description.slice(0, 1000);
}

/**
 * Exponential backoff with "equal jitter": half the exponential delay fixed, half random, so
 * replicas that failed together do not retry together, yet the delay still grows per attempt.
 */
export function retryDelayMs(
  failedAttempts: number,
  baseMs: number,
  maxMs: number,
  random = Math.random,
): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

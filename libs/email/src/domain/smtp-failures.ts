/**
 * What a failed SMTP send means for the e-mail and for the other pending e-mails, decided here only:
 * - `relay`: the relay itself is failing (no connection, timeout, a 4xx outside RCPT TO, 421, bad
 *   credentials or other auth/config refusal, a 5xx before the envelope). Every e-mail would fail
 *   the same way, so the worker backs off globally and the e-mail keeps its attempt budget: an
 *   outage of the relay delays e-mails, it never fails them.
 * - `recipient-deferred`: a 4xx to RCPT TO for this address (mailbox full, greylisted): this e-mail
 *   alone is retried with backoff, up to EMAIL_MAX_ATTEMPTS.
 * - `rejected`: this e-mail can never be sent as it is (5xx to RCPT TO or DATA, invalid address, or
 *   an error that is no SMTP failure at all, i.e. a bug): it is `failed` at once, for an admin.
 */
export type SmtpFailureKind = 'relay' | 'recipient-deferred' | 'rejected';

/** Failures without any SMTP reply (nodemailer codes and socket errors): the relay is unreachable. */
const NO_REPLY_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EPROTOCOL',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * Replies about our session with the relay, whatever the command: 421 service closing, 454 TLS or
 * temporary auth failure, 530 authentication required, 534/538 auth mechanism refused, 535 bad
 * credentials. Retrying another recipient cannot help while the relay answers these.
 */
const RELAY_SESSION_REPLIES = new Set([421, 454, 530, 534, 535, 538]);

interface NodemailerError {
  code?: unknown;
  responseCode?: unknown;
  command?: unknown;
}

export function classifySmtpFailure(error: unknown): SmtpFailureKind {
  if (typeof error !== 'object' || error === null) return 'rejected';
  const { code, responseCode, command } = error as NodemailerError;
  if (typeof responseCode === 'number') {
    if (RELAY_SESSION_REPLIES.has(responseCode)) return 'relay';
    if (command === 'RCPT TO') return responseCode < 500 ? 'recipient-deferred' : 'rejected';
    // A 5xx to DATA refuses this message (size, content); earlier ones (greeting, EHLO, MAIL FROM)
    // refuse us (sender not allowed, relaying denied), so every e-mail would get them.
    if (responseCode >= 500) return command === 'DATA' ? 'rejected' : 'relay';
    return 'relay';
  }
  if (code === 'EAUTH') return 'relay';
  // EENVELOPE/EMESSAGE without a reply: nodemailer refused the address or message itself.
  if (typeof code === 'string' && NO_REPLY_CODES.has(code)) return 'relay';
  return 'rejected';
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
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(failedAttempts, 60) - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

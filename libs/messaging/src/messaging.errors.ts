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

/**
 * Thrown by an event handler for an event that can never be applied (it contradicts the data, it
 * refers to something that will never exist...): the event goes to the dead letters at once,
 * without retries. Anything else a handler throws is retried.
 */
export class PermanentEventError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentEventError';
  }
}

/**
 * The consumer is stopping (or lost its partition) while an event still waits for a retry: the
 * event is given back, not dead-lettered; it is delivered again after the restart or rebalance.
 */
export class ConsumerStoppedError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`Event handling interrupted: ${reason}`, options);
    this.name = 'ConsumerStoppedError';
  }
}

/**
 * How a failure is treated, the one place that decides it:
 * - `transient`: the infrastructure is away for a while (database, broker, mail relay, a
 *   serialization conflict); retried without limit, never dead-lettered, never parked.
 * - `permanent`: retrying cannot help (PermanentEventError); dead-lettered at once.
 * - `failed`: anything else, a probable bug; retried a bounded number of times.
 */
export type FailureKind = 'transient' | 'permanent' | 'failed';

/** PostgreSQL SQLSTATEs of a database that is away or of a transaction to run again. */
const TRANSIENT_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '57P01', // admin_shutdown (backend terminated)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, or not accepting connections)
  '57014', // query_canceled (statement timeout)
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
  '3D000', // invalid_catalog_name: the database does not accept connections / is being re-created
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
  '08007', // transaction_resolution_unknown
  '58030', // io_error
]);

/** Node.js socket/DNS error codes of a peer that is not reachable right now. */
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNECTION', // nodemailer: connection failed
  'EDNS',
  'ESOCKET',
]);

/** Error classes (by name, so no driver must be imported) that mean "unavailable for now". */
const TRANSIENT_ERROR_NAMES = new Set([
  // (TransportUnavailableError is judged by its cause: a refused message is not an outage.)
  'ConsumerStoppedError',
  'RequestTimeoutError',
  'TimeoutError',
  // kafkajs
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
  'KafkaJSOffsetOutOfRange',
  // MongoDB driver / mongoose
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
  'MongooseServerSelectionError',
  'MongoPoolClearedError',
  'MongoWriteConcernError',
  // TypeORM
  'CannotConnectAlreadyConnectedError',
  'ConnectionIsNotSetError',
]);

/** Messages of drivers that throw plain errors for a lost connection (pg, pg-pool). */
const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /connection (was )?(refused|reset|closed)/i,
  /timeout exceeded when trying to connect/i,
  /terminating connection due to administrator command/i,
  /does not allow connections|is not currently accepting connections/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /client has encountered a connection error/i,
  /Connection closed/,
  /socket hang up/i,
  /Query read timeout/i,
];

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  errno?: unknown;
  responseCode?: unknown;
  retriable?: unknown;
  errorLabels?: unknown;
  message?: unknown;
  cause?: unknown;
  originalError?: unknown;
  driverError?: unknown;
  reason?: unknown;
  errors?: unknown;
}

/** The error and what it wraps (cause, kafkajs originalError, TypeORM driverError, AggregateError). */
function chainOf(error: unknown): ErrorLike[] {
  const seen = new Set<unknown>();
  const chain: ErrorLike[] = [];
  const visit = (candidate: unknown, depth: number) => {
    if (!candidate || typeof candidate !== 'object' || seen.has(candidate) || depth > 8) return;
    seen.add(candidate);
    const link = candidate as ErrorLike;
    chain.push(link);
    for (const next of [link.cause, link.originalError, link.driverError, link.reason])
      visit(next, depth + 1);
    if (Array.isArray(link.errors)) for (const next of link.errors) visit(next, depth + 1);
  };
  visit(error, 0);
  return chain;
}

function isTransientLink(link: ErrorLike): boolean {
  const name = typeof link.name === 'string' ? link.name : '';
  const code =
    typeof link.code === 'string' ? link.code : typeof link.code === 'number' ? link.code : undefined;
  const message = typeof link.message === 'string' ? link.message : '';
  if (TRANSIENT_ERROR_NAMES.has(name)) return true;
  if (typeof code === 'string' && (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_NODE_CODES.has(code)))
    return true;
  // kafkajs marks protocol errors a broker may answer differently later (leader moved, ...).
  if (name.startsWith('KafkaJS') && link.retriable === true) return true;
  // MongoDB: errors the driver labels as retryable.
  if (
    Array.isArray(link.errorLabels) &&
    link.errorLabels.some((label) => /Retryable|NetworkError/.test(String(label)))
  )
    return true;
  // SMTP: 4xx replies are "try again later" (greylisting, mailbox busy, relay overloaded).
  const smtpStatus = typeof link.responseCode === 'number' ? link.responseCode : undefined;
  if (smtpStatus !== undefined && smtpStatus >= 400 && smtpStatus < 500) return true;
  return TRANSIENT_MESSAGES.some((pattern) => pattern.test(message));
}

/** Classifies a handler's or a publisher's failure (see FailureKind). */
export function classifyFailure(error: unknown): FailureKind {
  const chain = chainOf(error);
  if (chain.some((link) => link instanceof PermanentEventError || link.name === 'PermanentEventError'))
    return 'permanent';
  return chain.some(isTransientLink) ? 'transient' : 'failed';
}

/** Whether the failure is the infrastructure being away for a while (retry without limit). */
export function isTransientError(error: unknown): boolean {
  return classifyFailure(error) === 'transient';
}

/** Exponential backoff with full jitter, capped: the n-th retry (1-based) waits up to base·2^(n-1). */
export function backoffDelayMs(
  attempt: number,
  baseMs: number,
  maxMs = 30_000,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt, 60) - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** The message of an error for logs, records and headers. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * What services throw: a reason in the domain's words, never an HTTP status. The one mapping in
 * `HttpExceptionFilter` turns each kind into its status and the one error shape, so services,
 * repositories and message handlers stay free of HTTP.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  /** When a retry may succeed, in seconds (sent as `Retry-After`). */
  readonly retryAfterSeconds?: number;

  constructor(message: string, options?: DomainErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export interface DomainErrorOptions {
  cause?: unknown;
  retryAfterSeconds?: number;
}

export type DomainErrorKind =
  'invalid' | 'unauthenticated' | 'forbidden' | 'not-found' | 'conflict' | 'unprocessable' | 'unavailable';

/** The base class of one kind of domain error. */
function kindOf<Kind extends DomainErrorKind>(kind: Kind) {
  abstract class DomainErrorOfKind extends DomainError {
    readonly kind: Kind = kind;
  }
  return DomainErrorOfKind;
}

/** The request contradicts itself or names something malformed (400). */
export class InvalidInputError extends kindOf('invalid') {}

/** No (valid) credentials (401). */
export class UnauthenticatedError extends kindOf('unauthenticated') {}

/** The caller is known but may not do this (403). */
export class ForbiddenError extends kindOf('forbidden') {}

/** Nothing by that id that the caller may see (404). */
export class NotFoundError extends kindOf('not-found') {}

/** The state of the world forbids it now: a duplicate, a request still in progress (409). */
export class ConflictError extends kindOf('conflict') {}

/** Well-formed, but the domain rules refuse it (422). */
export class UnprocessableError extends kindOf('unprocessable') {}

/** Something this request needs is down; nothing was changed, retry later (503 + Retry-After). */
export class UnavailableError extends kindOf('unavailable') {
  constructor(message: string, retryAfterSeconds: number, options?: { cause?: unknown }) {
    super(message, { ...options, retryAfterSeconds });
  }
}

export const DOMAIN_ERROR_STATUS: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  unprocessable: 422,
  unavailable: 503,
};

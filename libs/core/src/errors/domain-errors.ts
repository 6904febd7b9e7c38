/**
 * What services throw: a reason in the domain's words, never an HTTP status. The one mapping in
 * `HttpExceptionFilter` turns each kind into its status and the one error shape, so services,
 * repositories and message handlers stay free of HTTP.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export type DomainErrorKind =
  'invalid' | 'unauthenticated' | 'forbidden' | 'not-found' | 'conflict' | 'unprocessable' | 'unavailable';

/** The request contradicts itself or names something malformed (400). */
export class InvalidInputError extends DomainError {
  readonly kind = 'invalid';
}

/** No (valid) credentials (401). */
export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated';
}

/** The caller is known but may not do this (403). */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
}

/** Nothing by that id that the caller may see (404). */
export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
}

/** The state of the world forbids it now: a duplicate, a request in progress (409). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';

  constructor(
    message: string,
    /** When a retry may succeed (e.g. a request with the same key still running). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Well-formed, but the domain rules refuse it (422). */
export class UnprocessableError extends DomainError {
  readonly kind = 'unprocessable';
}

/** Something this request needs is down; nothing was changed, retry later (503 + Retry-After). */
export class UnavailableError extends DomainError {
  readonly kind = 'unavailable';

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
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

/** The seconds a client should wait before retrying, when the error says so. */
export function retryAfterOf(error: DomainError): number | undefined {
  return 'retryAfterSeconds' in error && typeof error.retryAfterSeconds === 'number'
    ? error.retryAfterSeconds
    : undefined;
}

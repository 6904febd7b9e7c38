import {
  BadRequestException,
  CallHandler,
  ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  Logger,
  NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, Observable } from 'rxjs';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { ConflictError, DOMAIN_ERROR_STATUS, DomainError, UnprocessableError } from '../errors/domain-errors';
import {
  IDEMPOTENCY_KEY_STORE,
  IdempotencyClaim,
  IdempotencyKeyStore,
  IdempotentResponse,
} from './idempotency-store';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Set on a response that is the replay of the key's first one. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

export interface IdempotentOptions {
  /** How long a key replays its first response; after that it counts as new. */
  ttlSeconds: number;
  /**
   * A duplicate that arrives while the first request with its key still runs is answered at once
   * with 409 and this `Retry-After` (seconds), as payment APIs do, instead of holding a connection.
   */
  inProgressRetryAfterSeconds: number;
  /** An attempt still in progress after this long died (crash, kill): its key may be taken over. */
  abandonAfterSeconds: number;
}

export const DEFAULT_IDEMPOTENT_OPTIONS: IdempotentOptions = {
  ttlSeconds: 24 * 60 * 60,
  inProgressRetryAfterSeconds: 1,
  abandonAfterSeconds: 120,
};

export const IDEMPOTENT_OPTIONS = 'coursehub:idempotent';

/** Visible ASCII, as Stripe and the IETF draft allow; long enough for a UUID or a ULID with a prefix. */
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

/** JSON with object keys sorted, so the same body sent with another key order hashes the same. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, nested: unknown) =>
    nested && typeof nested === 'object' && !Array.isArray(nested)
      ? Object.fromEntries(Object.entries(nested).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : nested,
  );
}

/** SHA-256 of what identifies a request: method, path (without query) and body. */
export function requestHashOf(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(canonicalJson([method, path, body ?? null]))
    .digest('hex');
}

/**
 * A client's answer worth replaying: a domain refusal (4xx) the handler reached. Errors raised at
 * the edge before the handler ran (validation pipes: HttpExceptions) and server errors are not
 * answers to the request, so their key is released and a corrected or later retry runs again.
 */
function replayableAnswerOf(error: unknown): IdempotentResponse | undefined {
  if (!(error instanceof DomainError)) return undefined;
  const status = DOMAIN_ERROR_STATUS[error.kind];
  return status < 500 ? { status, body: { message: error.message } } : undefined;
}

/**
 * `Idempotency-Key` for a route (see `@Idempotent()`): the first request with a key claims it
 * through the feature's IdempotencyKeyStore, runs the handler in the feature's transaction and
 * stores its response in that same transaction; later duplicates replay that response, and one
 * arriving while it still runs gets 409 with `Retry-After` at once.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);

  constructor(
    private readonly reflector: Reflector,
    @Inject(IDEMPOTENCY_KEY_STORE) private readonly store: IdempotencyKeyStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthenticatedUser }>();
    const key = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (key === undefined) return next.handle();
    if (typeof key !== 'string' || !VALID_KEY.test(key)) {
      throw new BadRequestException('Idempotency-Key must be 1 to 255 visible ASCII characters');
    }
    if (!request.user) throw new Error('@Idempotent() needs an authenticated route: keys belong to a user');
    const options =
      this.reflector.get<IdempotentOptions | undefined>(IDEMPOTENT_OPTIONS, context.getHandler()) ??
      DEFAULT_IDEMPOTENT_OPTIONS;
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const requestHash = requestHashOf(request.method, request.url.split('?')[0], request.body);
    return from(this.claimAndRun(request.user.id, key, requestHash, options, next, reply));
  }

  private async claimAndRun(
    scope: string,
    key: string,
    requestHash: string,
    options: IdempotentOptions,
    next: CallHandler,
    reply: FastifyReply,
  ): Promise<unknown> {
    // A second round only when the key was released between our claim and our look (the first
    // attempt failed on the server side); a third would mean it was claimed again: in progress.
    for (let round = 0; round < 2; round++) {
      const claim = await this.store.claim({
        scope,
        key,
        requestHash,
        ttlSeconds: options.ttlSeconds,
        abandonAfterSeconds: options.abandonAfterSeconds,
      });
      if (claim) return this.runOnce(claim, next, reply);

      const existing = await this.store.find(scope, key);
      // Released in the meantime (the first attempt failed on the server side): try ourselves.
      if (!existing) continue;
      if (existing.requestHash !== requestHash) {
        throw new UnprocessableError(
          'This Idempotency-Key was already used with a different request; use a new key',
        );
      }
      if (existing.response) return this.replay(existing.response, reply);
      throw this.inProgress(options);
    }
    throw this.inProgress(options);
  }

  private inProgress(options: IdempotentOptions): ConflictError {
    return new ConflictError(
      'A request with this Idempotency-Key is in progress; retry after Retry-After seconds',
      { retryAfterSeconds: options.inProgressRetryAfterSeconds },
    );
  }

  private async runOnce(claim: IdempotencyClaim, next: CallHandler, reply: FastifyReply): Promise<unknown> {
    try {
      // next.handle() is called inside the transaction so the handler's own transaction joins it.
      return await this.store.inTransaction(async () => {
        const body: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
        await this.store.complete(claim, { status: reply.statusCode, body: body ?? null });
        return body;
      });
    } catch (error) {
      const answer = replayableAnswerOf(error);
      try {
        if (answer) await this.store.complete(claim, answer);
        else await this.store.release(claim);
      } catch (bookkeepingError) {
        // The client gets the original error; the key frees itself after abandonAfterSeconds.
        this.logger.error({ err: bookkeepingError }, 'Recording the Idempotency-Key outcome failed');
      }
      throw error;
    }
  }

  private replay(response: IdempotentResponse, reply: FastifyReply): unknown {
    void reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
    if (response.status >= 400) {
      const message = (response.body as { message?: unknown } | null)?.message;
      throw new HttpException(typeof message === 'string' ? message : 'Error', response.status);
    }
    void reply.status(response.status);
    return response.body;
  }
}

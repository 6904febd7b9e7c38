import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import {
  DEFAULT_IDEMPOTENT_OPTIONS,
  IDEMPOTENT_OPTIONS,
  IdempotencyInterceptor,
  IdempotentOptions,
} from './idempotency.interceptor';

/**
 * Makes a route safe to retry with an `Idempotency-Key` header (per authenticated user): the same
 * key and request replay the first response (header `idempotent-replayed: true`), the same key
 * with another request is a 422, a duplicate while the first still runs gets 409 "in progress" with
 * `Retry-After` at once.
 * The feature provides IDEMPOTENCY_KEY_STORE on its database; the handler runs in its transaction.
 */
export function Idempotent(options: Partial<IdempotentOptions> = {}) {
  const resolved: IdempotentOptions = { ...DEFAULT_IDEMPOTENT_OPTIONS, ...options };
  const hours = Math.round(resolved.ttlSeconds / 3600);
  return applyDecorators(
    SetMetadata(IDEMPOTENT_OPTIONS, resolved),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: `Makes retries safe: the same key and body from the same user return the first response for ${hours} h.`,
    }),
  );
}

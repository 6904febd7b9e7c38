import {
  applyDecorators,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiErrors, AuthenticatedUser, clientKeyOf, refuseTooManyRequests } from '@coursehub/core';
import type { FastifyRequest } from 'fastify';
import { ClientScope, CredentialsThrottle } from '../domain/credentials-throttle.service';

/** The throttled client the request comes from (address as TRUST_PROXY resolves it; IPv6 by /64). */
export const ClientKey = createParamDecorator((_data: unknown, context: ExecutionContext): string =>
  clientKeyOf(context.switchToHttp().getRequest<FastifyRequest>().ip),
);

/** Which count a route is refused by: a client scope, or the signed-in caller's verification resends. */
type ThrottledScope = ClientScope | 'verify-resend';

const THROTTLED_SCOPE = 'coursehub:auth:throttled-scope';

/** The 429 answer of each scope, as the OpenAPI document describes it. */
const REFUSAL: Record<ThrottledScope, string | true> = {
  login: 'This client failed too often: retry after `Retry-After` seconds (doubling delays).',
  register: true,
  reset: true,
  'verify-resend': true,
};

/**
 * Refuses a caller still serving a delay of `scope` (429 + Retry-After, documented). For
 * `verify-resend` the caller is the signed-in user: put this decorator above `@Authenticated()`.
 */
export const ThrottledAs = (scope: ThrottledScope) =>
  applyDecorators(
    SetMetadata(THROTTLED_SCOPE, scope),
    UseGuards(CredentialsThrottlerGuard),
    ApiErrors({ 429: REFUSAL[scope] }),
  );

/**
 * Refuses a client still serving a delay on the credential routes: 429 with `Retry-After`
 * (seconds). The delays themselves are recorded by the domain (CredentialsThrottle), in the
 * database every replica shares.
 */
@Injectable()
export class CredentialsThrottlerGuard implements CanActivate {
  constructor(
    private readonly throttle: CredentialsThrottle,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthenticatedUser }>();
    const scope =
      this.reflector.get<ThrottledScope | undefined>(THROTTLED_SCOPE, context.getHandler()) ?? 'login';
    const retryAfter =
      scope === 'verify-resend'
        ? request.user
          ? await this.throttle.resendRetryAfterSeconds(request.user.id)
          : 0
        : await this.throttle.clientRetryAfterSeconds(scope, clientKeyOf(request.ip));
    if (retryAfter <= 0) return true;
    return refuseTooManyRequests(context, retryAfter, 'Too many attempts, try again later');
  }
}

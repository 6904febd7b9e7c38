import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
} from '@nestjs/common';
import { clientKeyOf } from '@coursehub/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CredentialsThrottle } from '../domain/credentials-throttle.service';

/** The throttled client the request comes from (address as TRUST_PROXY resolves it; IPv6 by /64). */
export const ClientKey = createParamDecorator((_data: unknown, context: ExecutionContext): string =>
  clientKeyOf(context.switchToHttp().getRequest<FastifyRequest>().ip),
);

/**
 * Refuses a client still serving a delay on the credential routes: 429 with `Retry-After`
 * (seconds). The delays themselves are recorded by the domain (CredentialsThrottle), in the
 * database every replica shares.
 */
@Injectable()
export class CredentialsThrottlerGuard implements CanActivate {
  constructor(private readonly throttle: CredentialsThrottle) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const scope = request.url.split('?')[0].endsWith('/register') ? 'register' : 'login';
    const retryAfter = await this.throttle.clientRetryAfterSeconds(scope, clientKeyOf(request.ip));
    if (retryAfter <= 0) return true;
    void context.switchToHttp().getResponse<FastifyReply>().header('Retry-After', String(retryAfter));
    throw new HttpException('Too many attempts, try again later', HttpStatus.TOO_MANY_REQUESTS);
  }
}

import { ExecutionContext, Injectable } from '@nestjs/common';
import {
  ThrottlerException,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerModuleOptions,
} from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';

function emailOf(request: FastifyRequest): string | undefined {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase() : undefined;
}

/** Two budgets on the credential routes: per client IP, and per e-mail address (spraying one account from many IPs). */
export function credentialsThrottlers(limit: number, windowMs: number): ThrottlerModuleOptions {
  return {
    throttlers: [
      { name: 'ip', limit, ttl: windowMs, getTracker: (request) => (request as FastifyRequest).ip },
      {
        name: 'email',
        limit,
        ttl: windowMs,
        getTracker: (request) =>
          `email:${emailOf(request as FastifyRequest) ?? (request as FastifyRequest).ip}`,
      },
    ],
  };
}

/** Answers 429 with a plain `Retry-After` (seconds), whichever budget ran out. */
@Injectable()
export class CredentialsThrottlerGuard extends ThrottlerGuard {
  protected override throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    void reply.header('Retry-After', String(Math.max(1, Math.ceil(detail.timeToBlockExpire))));
    throw new ThrottlerException('Too many attempts, try again later');
  }
}

import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitEnv } from '../config';
import { ApiErrors, refuseTooManyRequests } from '../http/error-responses';
import { AuthenticatedUser } from './authenticated-user';
import { clientKeyOf } from './client-key';

/** The budgets routes share, each with its variable (requests per RATE_LIMIT_WINDOW_MS). */
const BUDGETS = {
  orders: 'ORDERS_RATE_LIMIT',
  search: 'SEARCH_RATE_LIMIT',
} as const satisfies Record<string, keyof RateLimitEnv>;
export type RateLimitBudget = keyof typeof BUDGETS;

const RATE_LIMIT_KEY = 'coursehub:rate-limit';

/**
 * Counted in this replica's memory (rate-limiter-flexible's fixed-window counters): a replica
 * protects itself, and the real limit is the configured one × replicas. Enough against one
 * caller flooding orders or search; login throttling, where a shared count matters, lives in the
 * auth database instead. A counter costs O(1) per request: @nestjs/throttler's in-memory storage
 * keeps every hit's expiry and filters the list on each request, so its cost grew with the
 * budget (a 3,000-request search budget meant 3,000 timestamps copied per search; 13 % of the
 * CPU of a cached search under load).
 */
const limiters = new Map<string, RateLimiterMemory>();

function limiterOf(budget: RateLimitBudget, points: number, windowMs: number): RateLimiterMemory {
  const key = `${budget}:${points}:${windowMs}`;
  let limiter = limiters.get(key);
  if (!limiter) {
    limiter = new RateLimiterMemory({ keyPrefix: budget, points, duration: windowMs / 1000 });
    limiters.set(key, limiter);
  }
  return limiter;
}

/**
 * Limits the route per caller: the user when a valid token came with the request (guards of
 * `@Authenticated()`/`@OptionalAuth()` run first: put this decorator above them), else the client
 * address (IPv6 by /64). Beyond the budget: 429 in the one error shape with `Retry-After`.
 */
export function RateLimit(budget: RateLimitBudget) {
  return applyDecorators(
    SetMetadata(RATE_LIMIT_KEY, budget),
    UseGuards(RateLimitGuard),
    ApiErrors({ 429: `Too many requests from this caller (${BUDGETS[budget]} per RATE_LIMIT_WINDOW_MS).` }),
  );
}

@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: ConfigService<RateLimitEnv, true>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const budget = this.reflector.get<RateLimitBudget | undefined>(RATE_LIMIT_KEY, context.getHandler());
    if (!budget) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthenticatedUser }>();
    const caller = request.user ? `user:${request.user.id}` : `client:${clientKeyOf(request.ip)}`;
    const limit = this.config.get(BUDGETS[budget], { infer: true });
    const windowMs = this.config.get('RATE_LIMIT_WINDOW_MS', { infer: true });
    try {
      await limiterOf(budget, limit, windowMs).consume(caller);
      return true;
    } catch (refused) {
      // The in-memory limiter rejects only with the caller's state: over the budget.
      if (!(refused instanceof RateLimiterRes)) throw refused;
      const retryAfter = Math.max(1, Math.ceil(refused.msBeforeNext / 1000));
      return refuseTooManyRequests(context, retryAfter, 'Too many requests, retry after Retry-After seconds');
    }
  }
}

import type { AuthenticatedUser } from '@coursehub/core';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { OrdersService } from '../domain/orders.service';

/**
 * Whether the caller may order at all (account not deleted; address verified when
 * ORDERS_REQUIRE_VERIFIED_EMAIL is on), checked before `@Idempotent()` claims the key: a refusal
 * about the caller, not about the request, is not stored as the key's answer, so the same key
 * works once the caller has verified their address. The domain errors are mapped by the one filter.
 */
@Injectable()
export class OrderingAllowedGuard implements CanActivate {
  constructor(private readonly orders: OrdersService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { user } = context.switchToHttp().getRequest<FastifyRequest & { user: AuthenticatedUser }>();
    await this.orders.assertMayOrder(user);
    return true;
  }
}

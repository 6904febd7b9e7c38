import { FeatureTransactions, InjectFeatureTransactions, onUniqueViolation } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { ORDER_FEATURE, OrderStatus } from '../order.constants';
import { OrderEntity } from './order.entity';

/** The partial unique index of the order tables migration: one confirmed order per user and course. */
const ONE_CONFIRMED_ORDER_INDEX = 'orders_one_confirmed_per_user_course';

export interface OwnerOrdersQuery {
  ownerId: string;
  status?: OrderStatus;
  /** Keyset position: only orders after this one, newest first. */
  after?: { createdAt: string; id: string };
  limit: number;
}

/** Every query of orders; joins the current transaction of the order database when there is one. */
@Injectable()
export class OrdersRepository {
  constructor(@InjectFeatureTransactions(ORDER_FEATURE) private readonly transactions: FeatureTransactions) {}

  /** Inserts a confirmed order; false when the user already has a confirmed order of that course. */
  async insertConfirmed(order: OrderEntity): Promise<boolean> {
    return onUniqueViolation(
      ONE_CONFIRMED_ORDER_INDEX,
      async () => {
        await this.transactions.tx.insert(OrderEntity, order);
        return true;
      },
      () => false,
    );
  }

  findById(id: string): Promise<OrderEntity | null> {
    return this.transactions.tx.findOneBy(OrderEntity, { id });
  }

  /** The order, locked until the current transaction ends (call inside one). */
  findByIdForUpdate(id: string): Promise<OrderEntity | null> {
    return this.transactions.tx.findOne(OrderEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async markCancelled(id: string, at: Date): Promise<void> {
    await this.transactions.tx.update(
      OrderEntity,
      { id },
      { status: 'cancelled', cancelledAt: at, updatedAt: at },
    );
  }

  /** An owner's orders, newest first (keyset on created_at DESC, id DESC: the orders_user_newest index). */
  findNewestOfOwner(query: OwnerOrdersQuery): Promise<OrderEntity[]> {
    const builder = this.transactions.tx
      .createQueryBuilder(OrderEntity, 'o')
      .where('o.user_id = :ownerId', { ownerId: query.ownerId })
      .orderBy('o.created_at', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .limit(query.limit);
    if (query.status) builder.andWhere('o.status = :status', { status: query.status });
    if (query.after) {
      builder.andWhere('(o.created_at, o.id) < (:afterCreatedAt::timestamptz, :afterId::uuid)', {
        afterCreatedAt: query.after.createdAt,
        afterId: query.after.id,
      });
    }
    return builder.getMany();
  }

  /** Every order of a user, newest first (for the personal-data export: a user has few). */
  findAllOfOwner(ownerId: string): Promise<OrderEntity[]> {
    return this.transactions.tx.find(OrderEntity, {
      where: { userId: ownerId },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }
}

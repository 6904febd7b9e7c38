import type { OrderEntity } from '../data/order.entity';

/**
 * An order as its owner sees it, in `GET /orders` and in the `GET /me/export` section alike: the
 * course as it was ordered, the dates as ISO strings. Without the owner's id, which the export
 * states once (the API adds it to each order, since admins list other users' orders).
 */
export function toOrderView(order: OrderEntity) {
  return {
    id: order.id,
    courseId: order.courseId,
    courseTitle: order.courseTitle,
    price: order.price,
    currency: order.currency,
    status: order.status,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
    cancelledAt: order.cancelledAt ? order.cancelledAt.toISOString() : null,
  };
}

import { orderCancelled, orderConfirmed } from '@coursehub/contracts';
import {
  AuthenticatedUser,
  ConflictError,
  counter,
  decodeCursor,
  FeatureTransactions,
  ForbiddenError,
  InjectFeatureTransactions,
  NotFoundError,
  Page,
  pageOf,
  UnauthenticatedError,
  UnavailableError,
  UnprocessableError,
} from '@coursehub/core';
import { Outbox } from '@coursehub/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { ErasedUsersRepository } from '../data/erased-users.repository';
import { OrderEntity } from '../data/order.entity';
import { OrdersRepository } from '../data/orders.repository';
import { COURSE_UNAVAILABLE_RETRY_AFTER_SECONDS, ORDER_FEATURE, OrderStatus } from '../order.constants';
import type { OrderEnv } from '../order.env';
import { COURSE_CATALOG, CourseCatalog, CourseCatalogUnavailableError } from './course-catalog';

/** What a list of orders is asked for (the HTTP query DTO has this shape). */
export interface OrderListQuery {
  cursor?: string;
  limit: number;
  status?: OrderStatus;
  /** Whose orders; the caller's own when absent. */
  userId?: string;
}

/** The name of the one sort of order lists, carried in their cursors. */
const NEWEST_FIRST = 'newest';

const isAdmin = (user: AuthenticatedUser) => user.roles.includes('admin');

/** Orders (enrolments) with a snapshot of the course, and their events through the outbox. */
@Injectable()
export class OrdersService {
  private readonly ordersConfirmed = counter({
    name: 'coursehub_orders_confirmed_total',
    help: 'Orders confirmed.',
  });
  private readonly requireVerifiedEmail: boolean;

  constructor(
    @InjectFeatureTransactions(ORDER_FEATURE) private readonly transactions: FeatureTransactions,
    @Inject(COURSE_CATALOG) private readonly catalog: CourseCatalog,
    private readonly orders: OrdersRepository,
    private readonly outbox: Outbox,
    private readonly erasedUsers: ErasedUsersRepository,
    config: ConfigService<OrderEnv, true>,
  ) {
    this.requireVerifiedEmail = config.get('ORDERS_REQUIRE_VERIFIED_EMAIL', { infer: true });
  }

  /** Looks the course up, then stores the confirmed order and its `order.confirmed` in one transaction. */
  async place(user: AuthenticatedUser, courseId: string): Promise<OrderEntity> {
    const course = await this.orderableCourse(courseId);
    const now = new Date();
    const order: OrderEntity = {
      id: randomUUID(),
      userId: user.id,
      courseId: course.id,
      courseTitle: course.title,
      price: course.price,
      currency: course.currency,
      status: 'confirmed',
      createdAt: now,
      updatedAt: now,
      cancelledAt: null,
    };
    await this.transactions.withTransaction(async () => {
      if (!(await this.orders.insertConfirmed(order))) {
        throw new ConflictError('You have already ordered this course');
      }
      await this.outbox.add(
        orderConfirmed,
        {
          orderId: order.id,
          userId: order.userId,
          courseId: order.courseId,
          courseTitle: order.courseTitle,
          price: order.price,
          currency: order.currency,
        },
        { key: order.id },
      );
    });
    this.ordersConfirmed.inc();
    return order;
  }

  /**
   * Whether the caller may order at all (checked before `place`, see OrderingAllowedGuard). A deleted
   * account's access token stays valid until it expires: its orders are refused rather than stored
   * against an erased user. With ORDERS_REQUIRE_VERIFIED_EMAIL, only a token that says
   * `emailVerified: true` may order (one without the claim counts as unverified).
   */
  async assertMayOrder(user: AuthenticatedUser): Promise<void> {
    if (await this.erasedUsers.isErased(user.id)) {
      throw new UnauthenticatedError('This account has been deleted');
    }
    if (this.requireVerifiedEmail && user.emailVerified !== true) {
      throw new ForbiddenError('Verify your e-mail address first');
    }
  }

  private async orderableCourse(courseId: string) {
    let course;
    try {
      course = await this.catalog.findCourse(courseId);
    } catch (error) {
      if (error instanceof CourseCatalogUnavailableError) {
        throw new UnavailableError(
          'The course service is not available; please retry later',
          COURSE_UNAVAILABLE_RETRY_AFTER_SECONDS,
          { cause: error },
        );
      }
      throw error;
    }
    if (!course) throw new NotFoundError('Course not found');
    if (course.status !== 'published') throw new UnprocessableError('This course cannot be ordered');
    return course;
  }

  /** A page of one user's orders, newest first; only admins may list someone else's. */
  async list(user: AuthenticatedUser, query: OrderListQuery): Promise<Page<OrderEntity>> {
    const ownerId = query.userId ?? user.id;
    if (ownerId !== user.id && !isAdmin(user)) {
      throw new ForbiddenError("Only admins may list other users' orders");
    }
    const after = query.cursor ? decodeCursor(query.cursor, NEWEST_FIRST, 'timestamp') : undefined;
    const rows = await this.orders.findNewestOfOwner({
      ownerId,
      status: query.status,
      after: after && { createdAt: after.key, id: after.id },
      limit: query.limit + 1,
    });
    return pageOf(
      rows,
      query.limit,
      (last) => ({ sort: NEWEST_FIRST, key: last.createdAt.toISOString(), id: last.id }),
      (order) => order,
    );
  }

  async get(user: AuthenticatedUser, orderId: string): Promise<OrderEntity> {
    return this.visibleTo(user, await this.orders.findById(orderId));
  }

  /** Cancels the order; cancelling a cancelled order changes nothing and returns it. */
  cancel(user: AuthenticatedUser, orderId: string, reason?: string): Promise<OrderEntity> {
    return this.transactions.withTransaction(async () => {
      const order = this.visibleTo(user, await this.orders.findByIdForUpdate(orderId));
      if (order.status === 'cancelled') return order;
      const now = new Date();
      await this.orders.markCancelled(order.id, now);
      await this.outbox.add(
        orderCancelled,
        {
          orderId: order.id,
          userId: order.userId,
          courseId: order.courseId,
          courseTitle: order.courseTitle,
          reason: reason ?? (order.userId === user.id ? 'Cancelled by the student' : 'Cancelled by an admin'),
        },
        { key: order.id },
      );
      return { ...order, status: 'cancelled', cancelledAt: now, updatedAt: now };
    });
  }

  /** Someone else's order is "not found", not "forbidden": its existence is not disclosed. */
  private visibleTo(user: AuthenticatedUser, order: OrderEntity | null): OrderEntity {
    if (!order || (order.userId !== user.id && !isAdmin(user))) throw new NotFoundError('Order not found');
    return order;
  }
}

import { orderCancelled, orderConfirmed } from '@coursehub/contracts';
import { AuthenticatedUser, counter } from '@coursehub/core';
import { Outbox } from '@coursehub/messaging';
import {
  ConflictException,
  ForbiddenException,
  HttpException,
  Inject,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { COURSE_CATALOG, CourseCatalog, CourseCatalogUnavailableError } from '../catalog/course-catalog';
import { CreateOrderDto, ListOrdersQueryDto, OrderDto, OrderPageDto } from '../dto/order.dto';
import { IdempotencyClaim, IdempotencyStore, requestHashOf } from '../idempotency/idempotency-store';
import { ORDER_DATA_SOURCE } from '../order.constants';
import { OrderEntity } from './order.entity';

const ONE_CONFIRMED_ORDER_INDEX = 'orders_one_confirmed_per_user_course';

export function toOrderDto(order: OrderEntity): OrderDto {
  return {
    id: order.id,
    userId: order.userId,
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

/** The outcome of `POST /orders`: a fresh order (201) or the replay of the key's first response. */
export interface PlacedOrder {
  status: number;
  order: OrderDto;
  replayed: boolean;
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' && driverError.constraint === constraint;
}

const isAdmin = (user: AuthenticatedUser) => user.roles.includes('admin');

@Injectable()
export class OrdersService {
  private readonly ordersConfirmed = counter({
    name: 'coursehub_orders_confirmed_total',
    help: 'Orders confirmed.',
  });

  constructor(
    @InjectDataSource(ORDER_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(COURSE_CATALOG) private readonly catalog: CourseCatalog,
    private readonly outbox: Outbox,
    private readonly idempotency: IdempotencyStore,
  ) {}

  async place(
    user: AuthenticatedUser,
    request: CreateOrderDto,
    idempotencyKey?: string,
  ): Promise<PlacedOrder> {
    if (!idempotencyKey) return { status: 201, order: await this.confirm(user, request), replayed: false };

    const hash = requestHashOf({ method: 'POST', path: '/orders', body: { courseId: request.courseId } });
    const claim = await this.idempotency.claim(user.id, idempotencyKey, hash);
    if (claim.kind === 'replay') {
      const { status, body } = claim.response;
      if (status >= 400) throw new HttpException((body as { message: string }).message, status);
      return { status, order: body as OrderDto, replayed: true };
    }
    return this.placeOnce(user, request, claim);
  }

  private async placeOnce(
    user: AuthenticatedUser,
    request: CreateOrderDto,
    claim: Extract<IdempotencyClaim, { kind: 'claimed' }>,
  ): Promise<PlacedOrder> {
    try {
      const order = await this.confirm(user, request, (manager, stored) =>
        this.idempotency.complete(claim, { status: 201, body: stored }, manager),
      );
      return { status: 201, order, replayed: false };
    } catch (error) {
      // A client error is the answer to this request and is replayed; a server error (course
      // service down, database trouble) frees the key so the same request can be retried.
      if (error instanceof HttpException && error.getStatus() < 500) {
        await this.idempotency.complete(claim, {
          status: error.getStatus(),
          body: { message: error.message },
        });
      } else {
        await this.idempotency.release(claim);
      }
      throw error;
    }
  }

  /** Looks the course up, then stores the order and its `order.confirmed` event in one transaction. */
  private async confirm(
    user: AuthenticatedUser,
    request: CreateOrderDto,
    alsoInTransaction?: (manager: EntityManager, order: OrderDto) => Promise<void>,
  ): Promise<OrderDto> {
    const course = await this.findCourse(request.courseId);
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
    try {
      const stored = await this.dataSource.transaction(async (manager) => {
        await manager.insert(OrderEntity, order);
        await this.outbox.add(
          manager,
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
        const dto = toOrderDto(order);
        await alsoInTransaction?.(manager, dto);
        return dto;
      });
      this.ordersConfirmed.inc();
      return stored;
    } catch (error) {
      if (isUniqueViolation(error, ONE_CONFIRMED_ORDER_INDEX)) {
        throw new ConflictException('You have already ordered this course');
      }
      throw error;
    }
  }

  private async findCourse(courseId: string) {
    let course;
    try {
      course = await this.catalog.findCourse(courseId);
    } catch (error) {
      if (error instanceof CourseCatalogUnavailableError) {
        throw new ServiceUnavailableException('The course service is not available; please retry later', {
          cause: error,
        });
      }
      throw error;
    }
    if (!course) throw new NotFoundException('Course not found');
    if (course.status !== 'published')
      throw new UnprocessableEntityException('This course cannot be ordered');
    return course;
  }

  async list(user: AuthenticatedUser, query: ListOrdersQueryDto): Promise<OrderPageDto> {
    const ownerId = query.userId ?? user.id;
    if (ownerId !== user.id && !isAdmin(user)) {
      throw new ForbiddenException("Only admins may list other users' orders");
    }
    const builder = this.dataSource.manager
      .createQueryBuilder(OrderEntity, 'o')
      .where('o.userId = :ownerId', { ownerId })
      .orderBy('o.createdAt', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize);
    if (query.status) builder.andWhere('o.status = :status', { status: query.status });
    const [orders, total] = await builder.getManyAndCount();
    return { items: orders.map(toOrderDto), total, page: query.page, pageSize: query.pageSize };
  }

  async get(user: AuthenticatedUser, orderId: string): Promise<OrderDto> {
    const order = await this.dataSource.manager.findOneBy(OrderEntity, { id: orderId });
    return toOrderDto(this.visibleTo(user, order));
  }

  /** Cancels the order; cancelling a cancelled order changes nothing and returns it. */
  async cancel(user: AuthenticatedUser, orderId: string, reason?: string): Promise<OrderDto> {
    return this.dataSource.transaction(async (manager) => {
      const order = this.visibleTo(
        user,
        await manager.findOne(OrderEntity, { where: { id: orderId }, lock: { mode: 'pessimistic_write' } }),
      );
      if (order.status === 'cancelled') return toOrderDto(order);
      const now = new Date();
      await manager.update(
        OrderEntity,
        { id: order.id },
        { status: 'cancelled', cancelledAt: now, updatedAt: now },
      );
      Object.assign(order, { status: 'cancelled', cancelledAt: now, updatedAt: now });
      await this.outbox.add(
        manager,
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
      return toOrderDto(order);
    });
  }

  /** Someone else's order is "not found", not "forbidden": its existence is not disclosed. */
  private visibleTo(user: AuthenticatedUser, order: OrderEntity | null): OrderEntity {
    if (!order || (order.userId !== user.id && !isAdmin(user)))
      throw new NotFoundException('Order not found');
    return order;
  }
}

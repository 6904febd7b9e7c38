import type { CourseSnapshot } from '@coursehub/contracts';
import {
  AuthenticatedUser,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  UnauthenticatedError,
  UnavailableError,
  UnprocessableError,
} from '@coursehub/core';
import { Outbox } from '@coursehub/messaging';
import { getTransactionHostToken } from '@nestjs-cls/transactional';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErasedUsersRepository } from '../data/erased-users.repository';
import { OrderEntity } from '../data/order.entity';
import { OrdersRepository } from '../data/orders.repository';
import { ORDER_FEATURE } from '../order.constants';
import { COURSE_CATALOG } from './course-catalog';
import { OrdersService } from './orders.service';
import {
  FakeCourseCatalog,
  InMemoryErasedUsersRepository,
  InMemoryOrderDatabase,
  InMemoryOrdersRepository,
} from '../../test/in-memory-order-ports';

const person = (...roles: AuthenticatedUser['roles']): AuthenticatedUser => ({
  id: randomUUID(),
  email: `${randomUUID()}@example.com`,
  roles,
});

describe('OrdersService', () => {
  let db: InMemoryOrderDatabase;
  let catalog: FakeCourseCatalog;
  let service: OrdersService;
  let published: CourseSnapshot;
  let erasedUsers: InMemoryErasedUsersRepository;

  async function serviceWith(env: { ORDERS_REQUIRE_VERIFIED_EMAIL: boolean }): Promise<OrdersService> {
    const moduleRef = await Test.createTestingModule({
      providers: [
        OrdersService,
        { provide: getTransactionHostToken(ORDER_FEATURE), useValue: db },
        { provide: OrdersRepository, useValue: new InMemoryOrdersRepository(db) },
        { provide: ErasedUsersRepository, useValue: erasedUsers },
        { provide: COURSE_CATALOG, useValue: catalog },
        { provide: Outbox, useValue: db.outbox },
        { provide: ConfigService, useValue: new ConfigService(env) },
      ],
    }).compile();
    return moduleRef.get(OrdersService);
  }

  beforeEach(async () => {
    db = new InMemoryOrderDatabase();
    catalog = new FakeCourseCatalog();
    erasedUsers = new InMemoryErasedUsersRepository();
    published = catalog.add('Practical PostgreSQL');
    service = await serviceWith({ ORDERS_REQUIRE_VERIFIED_EMAIL: false });
  });

  describe('place', () => {
    it('confirms an order with a snapshot of the course and writes order.confirmed with it', async () => {
      const student = person('student');
      const order = await service.place(student, published.id);
      expect(order).toEqual({
        id: expect.any(String),
        userId: student.id,
        courseId: published.id,
        courseTitle: 'Practical PostgreSQL',
        price: 4900,
        currency: 'EUR',
        status: 'confirmed',
        createdAt: expect.any(Date),
        updatedAt: order.createdAt,
        cancelledAt: null,
      });
      expect([...db.orders.values()]).toEqual([order]);
      expect(db.events).toEqual([
        {
          type: 'order.confirmed',
          key: order.id,
          data: {
            orderId: order.id,
            userId: student.id,
            courseId: published.id,
            courseTitle: 'Practical PostgreSQL',
            price: 4900,
            currency: 'EUR',
          },
        },
      ]);
    });

    it.each([
      ['an unpublished course', () => catalog.add('Unfinished', 'draft').id, UnprocessableError],
      ['an unknown course', () => randomUUID(), NotFoundError],
    ])('refuses %s and stores nothing', async (_case, courseIdOf, expected) => {
      await expect(service.place(person('student'), courseIdOf())).rejects.toThrow(expected);
      expect(db.orders.size).toBe(0);
      expect(db.events).toEqual([]);
    });

    it('answers UnavailableError with a retry-after when the course catalogue is down, storing nothing', async () => {
      catalog.down = true;
      const error = await service.place(person('student'), published.id).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(UnavailableError);
      expect(error).toMatchObject({ retryAfterSeconds: 5, message: expect.stringMatching(/course service/) });
      expect(db.orders.size).toBe(0);
      expect(db.events).toEqual([]);
    });

    it('refuses a second confirmed order of the same course (ConflictError) and writes no second event', async () => {
      const student = person('student');
      await service.place(student, published.id);
      await expect(service.place(student, published.id)).rejects.toThrow(
        new ConflictError('You have already ordered this course'),
      );
      expect(db.orders.size).toBe(1);
      expect(db.events).toHaveLength(1);
      // Someone else may order it.
      await expect(service.place(person('student'), published.id)).resolves.toMatchObject({
        status: 'confirmed',
      });
    });
  });

  describe('who may order', () => {
    const verified = (emailVerified: boolean | undefined) => ({ ...person('student'), emailVerified });

    it('lets anyone order while ORDERS_REQUIRE_VERIFIED_EMAIL is off, the claim present or not', async () => {
      for (const student of [verified(false), verified(undefined), verified(true)]) {
        await expect(service.assertMayOrder(student)).resolves.toBeUndefined();
      }
    });

    it('refuses unverified callers with ForbiddenError when ORDERS_REQUIRE_VERIFIED_EMAIL is on', async () => {
      const strict = await serviceWith({ ORDERS_REQUIRE_VERIFIED_EMAIL: true });
      for (const student of [verified(false), verified(undefined)]) {
        await expect(strict.assertMayOrder(student)).rejects.toThrow(
          new ForbiddenError('Verify your e-mail address first'),
        );
      }
      await expect(strict.assertMayOrder(verified(true))).resolves.toBeUndefined();
    });

    it("refuses a deleted account's still-valid token (UnauthenticatedError), verified or not", async () => {
      const strict = await serviceWith({ ORDERS_REQUIRE_VERIFIED_EMAIL: true });
      const student = verified(true);
      erasedUsers.erased.add(student.id);
      for (const orders of [service, strict]) {
        await expect(orders.assertMayOrder(student)).rejects.toThrow(
          new UnauthenticatedError('This account has been deleted'),
        );
      }
      await expect(service.assertMayOrder(person('student'))).resolves.toBeUndefined();
    });
  });

  describe('cancel', () => {
    it('cancels once with order.cancelled, repeats as a no-op, and lets the course be ordered again', async () => {
      const student = person('student');
      const order = await service.place(student, published.id);
      const cancelled = await service.cancel(student, order.id, 'Changed my mind');
      expect(cancelled).toEqual({
        ...order,
        status: 'cancelled',
        cancelledAt: expect.any(Date),
        updatedAt: cancelled.cancelledAt,
      });
      expect(await service.cancel(student, order.id)).toEqual(cancelled);
      expect(db.events.map((event) => [event.type, event.key])).toEqual([
        ['order.confirmed', order.id],
        ['order.cancelled', order.id],
      ]);
      expect(db.events[1].data).toEqual({
        orderId: order.id,
        userId: student.id,
        courseId: published.id,
        courseTitle: 'Practical PostgreSQL',
        reason: 'Changed my mind',
      });
      const again = await service.place(student, published.id);
      expect(again.id).not.toBe(order.id);
      // Without a reason the event says who cancelled.
      await service.cancel(student, again.id);
      expect(db.events.at(-1)?.data.reason).toBe('Cancelled by the student');
    });
  });

  describe('visibility', () => {
    it("hides another user's order (NotFoundError) from reading and cancelling; admins see and cancel it", async () => {
      const owner = person('student');
      const other = person('student', 'instructor');
      const order = await service.place(owner, published.id);
      await expect(service.get(other, order.id)).rejects.toThrow(new NotFoundError('Order not found'));
      await expect(service.cancel(other, order.id)).rejects.toThrow(NotFoundError);
      expect(db.orders.get(order.id)?.status).toBe('confirmed');
      await expect(service.get(person('student'), randomUUID())).rejects.toThrow(NotFoundError);

      const admin = person('admin');
      await expect(service.get(admin, order.id)).resolves.toEqual(order);
      await expect(service.cancel(admin, order.id)).resolves.toMatchObject({ status: 'cancelled' });
      expect(db.events.at(-1)?.data.reason).toBe('Cancelled by an admin');
    });

    it("lists only one's own orders; only admins may list someone else's", async () => {
      const owner = person('student');
      const order = await service.place(owner, published.id);
      const other = person('student');
      expect(await service.list(other, { limit: 20 })).toEqual({ items: [], nextCursor: null });
      await expect(service.list(other, { limit: 20, userId: owner.id })).rejects.toThrow(ForbiddenError);
      const asAdmin = await service.list(person('admin'), { limit: 20, userId: owner.id });
      expect(asAdmin.items.map((item) => item.id)).toEqual([order.id]);
    });
  });

  describe('list', () => {
    it('pages newest first with a cursor, filters by status and refuses an altered cursor', async () => {
      const student = person('student');
      const placed: OrderEntity[] = [];
      for (const title of ['One', 'Two', 'Three']) {
        placed.push(await service.place(student, catalog.add(title).id));
        await sleep(3); // distinct creation times
      }
      const first = await service.list(student, { limit: 2 });
      expect(first.items.map((item) => item.id)).toEqual([placed[2].id, placed[1].id]);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await service.list(student, { limit: 2, cursor: first.nextCursor! });
      expect(second).toEqual({ items: [placed[0]], nextCursor: null });

      await service.cancel(student, placed[1].id);
      const cancelled = await service.list(student, { limit: 20, status: 'cancelled' });
      expect(cancelled.items.map((item) => item.id)).toEqual([placed[1].id]);

      await expect(service.list(student, { limit: 2, cursor: `${first.nextCursor}x` })).rejects.toThrow(
        InvalidInputError,
      );
    });
  });
});

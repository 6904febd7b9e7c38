import type { CourseSnapshot } from '@coursehub/contracts';
import { InMemoryFeatureDatabase } from '@coursehub/testing';
import { randomUUID } from 'node:crypto';
import { ErasedUsersRepository } from '../src/data/erased-users.repository';
import { OrderEntity } from '../src/data/order.entity';
import { OrdersRepository, OwnerOrdersQuery } from '../src/data/orders.repository';
import { CourseCatalog, CourseCatalogUnavailableError } from '../src/domain/course-catalog';

/*
 * The order feature's ports in memory, for service tests (orders.service.spec.ts): the order
 * tables with the rules that matter to the service, and the course catalogue the order service
 * asks over the transport.
 */

/** The order database in memory: orders and outbox events, with transactions that roll back. */
export class InMemoryOrderDatabase extends InMemoryFeatureDatabase {
  readonly orders = this.table<OrderEntity>();
}

/** Keeps the rules of the real tables: one confirmed order per user and course, newest-first keyset. */
export class InMemoryOrdersRepository implements Pick<OrdersRepository, keyof OrdersRepository> {
  constructor(private readonly db: InMemoryOrderDatabase) {}

  insertConfirmed(order: OrderEntity): Promise<boolean> {
    const duplicate = [...this.db.orders.values()].some(
      (o) => o.userId === order.userId && o.courseId === order.courseId && o.status === 'confirmed',
    );
    if (!duplicate) this.db.orders.set(order.id, { ...order });
    return Promise.resolve(!duplicate);
  }

  findById(id: string): Promise<OrderEntity | null> {
    const found = this.db.orders.get(id);
    return Promise.resolve(found ? { ...found } : null);
  }

  findByIdForUpdate(id: string): Promise<OrderEntity | null> {
    if (!this.db.inTransaction) throw new Error('a row lock needs a transaction');
    return this.findById(id);
  }

  markCancelled(id: string, at: Date): Promise<void> {
    Object.assign(this.db.orders.get(id)!, { status: 'cancelled', cancelledAt: at, updatedAt: at });
    return Promise.resolve();
  }

  findAllOfOwner(ownerId: string): Promise<OrderEntity[]> {
    return this.findNewestOfOwner({ ownerId, limit: Number.MAX_SAFE_INTEGER });
  }

  findNewestOfOwner(query: OwnerOrdersQuery): Promise<OrderEntity[]> {
    const newestFirst = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }) =>
      b.createdAt - a.createdAt || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0);
    const after = query.after && { createdAt: Date.parse(query.after.createdAt), id: query.after.id };
    const rows = [...this.db.orders.values()]
      .filter((o) => o.userId === query.ownerId && (!query.status || o.status === query.status))
      .filter((o) => !after || newestFirst(after, { createdAt: o.createdAt.getTime(), id: o.id }) < 0)
      .sort((a, b) =>
        newestFirst({ ...a, createdAt: a.createdAt.getTime() }, { ...b, createdAt: b.createdAt.getTime() }),
      )
      .slice(0, query.limit);
    return Promise.resolve(rows.map((o) => ({ ...o })));
  }
}

/** The deleted accounts, as `user.deleted` recorded them. */
export class InMemoryErasedUsersRepository implements Pick<
  ErasedUsersRepository,
  keyof ErasedUsersRepository
> {
  readonly erased = new Set<string>();

  markErased(userId: string): Promise<boolean> {
    const added = !this.erased.has(userId);
    this.erased.add(userId);
    return Promise.resolve(added);
  }

  isErased(userId: string): Promise<boolean> {
    return Promise.resolve(this.erased.has(userId));
  }
}

/** The course feature as the order service sees it; `down` makes every lookup fail as a timeout would. */
export class FakeCourseCatalog implements CourseCatalog {
  readonly courses = new Map<string, CourseSnapshot>();
  down = false;

  add(title: string, status: CourseSnapshot['status'] = 'published', price = 4900): CourseSnapshot {
    const course: CourseSnapshot = {
      id: randomUUID(),
      slug: title.toLowerCase().replace(/ /g, '-'),
      title,
      status,
      instructorId: randomUUID(),
      category: 'development',
      tags: [],
      price,
      currency: 'EUR',
    };
    this.courses.set(course.id, course);
    return course;
  }

  findCourse(courseId: string): Promise<CourseSnapshot | undefined> {
    if (this.down) return Promise.reject(new CourseCatalogUnavailableError(new Error('request timed out')));
    return Promise.resolve(this.courses.get(courseId));
  }
}

import type { EnvelopeOf, userDeleted } from '@coursehub/contracts';
import { PersonalDataExports } from '@coursehub/core';
import { ProcessedEvents } from '@coursehub/messaging';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ErasedUsersRepository } from '../data/erased-users.repository';
import { IdempotencyKeysRepository } from '../data/idempotency-keys.repository';
import { OrdersRepository } from '../data/orders.repository';
import { ORDER_FEATURE, USER_ERASURE_CONSUMER } from '../order.constants';
import { toOrderView } from './order-view';

/**
 * What the order feature holds about a person, exported and erased.
 *
 * The order database holds no e-mail address and no name: an order is the user's id, the course
 * (id, title and price as ordered) and its dates; the `Idempotency-Key`s are the user's id, the
 * key's text (chosen by the client, so it may say anything) and the stored first response.
 *
 * Erasure (`user.deleted`) keeps the orders as they are — they are the financial record (what was
 * sold, when, at what price; cancelled or not) that bookkeeping must keep — and deletes the keys.
 * The orders keep `user_id`: a random UUID that, once auth has deleted the account and the other
 * services what they held, no CourseHub store maps to a person; as a pseudonym it still tells
 * which orders one former customer placed (a refund or chargeback concerns all of them), which a
 * fresh id per order would lose without making anything less personal. The id is also recorded in
 * `erased_users`, so the deleted account's access tokens (valid until they expire) cannot place
 * new orders.
 */
@Injectable()
export class OrderPersonalDataService implements OnModuleInit {
  private readonly logger = new Logger(OrderPersonalDataService.name);

  constructor(
    private readonly exports: PersonalDataExports,
    private readonly orders: OrdersRepository,
    private readonly idempotencyKeys: IdempotencyKeysRepository,
    private readonly erasedUsers: ErasedUsersRepository,
    private readonly processedEvents: ProcessedEvents,
  ) {}

  onModuleInit(): void {
    this.exports.register(ORDER_FEATURE, (userId) => this.export(userId));
  }

  /** The `order` section of `GET /me/export`: every order of the user, as the API shows them, and their keys. */
  async export(userId: string): Promise<Record<string, unknown>> {
    const [orders, keys] = await Promise.all([
      this.orders.findAllOfOwner(userId),
      this.idempotencyKeys.findAllOfUser(userId),
    ]);
    return {
      orders: orders.map(toOrderView),
      idempotencyKeys: keys.map((key) => ({
        key: key.key,
        state: key.state,
        responseStatus: key.responseStatus,
        createdAt: key.createdAt.toISOString(),
      })),
    };
  }

  /** `user.deleted`: once per event, and a second event for the same user changes nothing. */
  async erase(envelope: EnvelopeOf<typeof userDeleted>): Promise<boolean> {
    const { userId, deletedAt } = envelope.data;
    let erased = false;
    let keysDeleted = 0;
    await this.processedEvents.runOnce(USER_ERASURE_CONSUMER, envelope, async () => {
      erased = await this.erasedUsers.markErased(userId, new Date(deletedAt));
      keysDeleted = await this.idempotencyKeys.deleteAllOfUser(userId);
    });
    if (erased) this.logger.log({ userId, keysDeleted }, 'personal data of a deleted user erased');
    return erased;
  }
}

import { createEnvelope, userDeleted } from '@coursehub/contracts';
import { PersonalDataExports } from '@coursehub/core';
import { ProcessedEvents } from '@coursehub/messaging';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { ErasedUsersRepository } from '../data/erased-users.repository';
import type { IdempotencyKeyEntity } from '../data/idempotency-key.entity';
import { IdempotencyKeysRepository } from '../data/idempotency-keys.repository';
import type { OrderEntity } from '../data/order.entity';
import { OrdersRepository } from '../data/orders.repository';
import { OrderPersonalDataService } from './personal-data.service';

const at = (iso: string) => new Date(iso);

function orderOf(userId: string, title: string, createdAt: string): OrderEntity {
  return {
    id: randomUUID(),
    userId,
    courseId: randomUUID(),
    courseTitle: title,
    price: 1900,
    currency: 'EUR',
    status: 'confirmed',
    createdAt: at(createdAt),
    updatedAt: at(createdAt),
    cancelledAt: null,
  };
}

function keyOf(userId: string, key: string): IdempotencyKeyEntity {
  return {
    userId,
    key,
    requestHash: 'hash',
    claimId: randomUUID(),
    state: 'completed',
    responseStatus: 201,
    responseBody: { userId },
    createdAt: at('2026-11-29T10:00:00.000Z'),
    updatedAt: at('2026-11-29T10:00:00.000Z'),
  };
}

describe('OrderPersonalDataService', () => {
  const ada = randomUUID();
  const bob = randomUUID();
  let orders: OrderEntity[];
  let keys: IdempotencyKeyEntity[];
  let erased: Map<string, Date>;
  let exports: PersonalDataExports;
  let service: OrderPersonalDataService;

  beforeEach(async () => {
    orders = [
      orderOf(ada, 'Older', '2026-11-01T10:00:00.000Z'),
      orderOf(ada, 'Newer', '2026-11-20T10:00:00.000Z'),
      orderOf(bob, 'Bob’s', '2026-11-10T10:00:00.000Z'),
    ];
    keys = [keyOf(ada, 'checkout-ada@example.com'), keyOf(bob, 'bob-key')];
    erased = new Map();
    const processed = new Set<string>();
    const moduleRef = await Test.createTestingModule({
      providers: [
        OrderPersonalDataService,
        PersonalDataExports,
        {
          provide: OrdersRepository,
          useValue: {
            findAllOfOwner: (userId: string) =>
              Promise.resolve(
                orders
                  .filter((order) => order.userId === userId)
                  .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()),
              ),
          },
        },
        {
          provide: IdempotencyKeysRepository,
          useValue: {
            findAllOfUser: (userId: string) => Promise.resolve(keys.filter((key) => key.userId === userId)),
            deleteAllOfUser: (userId: string) => {
              const before = keys.length;
              keys = keys.filter((key) => key.userId !== userId);
              return Promise.resolve(before - keys.length);
            },
          },
        },
        {
          provide: ErasedUsersRepository,
          useValue: {
            markErased: (userId: string, when: Date) => {
              if (erased.has(userId)) return Promise.resolve(false);
              erased.set(userId, when);
              return Promise.resolve(true);
            },
          },
        },
        {
          provide: ProcessedEvents,
          useValue: {
            runOnce: async (consumer: string, envelope: { id: string }, effect: () => Promise<void>) => {
              const key = `${consumer}/${envelope.id}`;
              if (processed.has(key)) return false;
              processed.add(key);
              await effect();
              return true;
            },
          },
        },
      ],
    }).compile();
    await moduleRef.init();
    exports = moduleRef.get(PersonalDataExports);
    service = moduleRef.get(OrderPersonalDataService);
  });

  const deleted = (userId: string) =>
    createEnvelope(userDeleted, { userId, deletedAt: '2026-11-29T11:00:00.000Z' }, { producer: 'auth' });

  it('registers the order section of the export: the caller’s orders newest first and their keys', async () => {
    expect(exports.features()).toEqual(['order']);
    expect(await exports.exportFor(ada)).toEqual({
      order: {
        orders: [
          expect.objectContaining({
            courseTitle: 'Newer',
            createdAt: '2026-11-20T10:00:00.000Z',
            cancelledAt: null,
          }),
          expect.objectContaining({
            courseTitle: 'Older',
            price: 1900,
            currency: 'EUR',
            status: 'confirmed',
          }),
        ],
        idempotencyKeys: [
          {
            key: 'checkout-ada@example.com',
            state: 'completed',
            responseStatus: 201,
            createdAt: '2026-11-29T10:00:00.000Z',
          },
        ],
      },
    });
    const exported = JSON.stringify(await service.export(ada));
    expect(exported).not.toContain(bob);
    expect(exported).not.toContain('userId');
  });

  it('erases on user.deleted: keys deleted, orders kept, the id recorded; once per event and per user', async () => {
    const event = deleted(ada);
    expect(await service.erase(event)).toBe(true);
    expect(keys.map((key) => key.key)).toEqual(['bob-key']);
    expect(orders.filter((order) => order.userId === ada)).toHaveLength(2);
    expect(erased).toEqual(new Map([[ada, at('2026-11-29T11:00:00.000Z')]]));

    expect(await service.erase(event)).toBe(false);
    expect(await service.erase(deleted(ada))).toBe(false);
    expect(erased.size).toBe(1);
    expect(await service.export(ada)).toMatchObject({ idempotencyKeys: [] });
  });
});

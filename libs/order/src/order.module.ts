import { courseGet } from '@coursehub/contracts';
import { IDEMPOTENCY_KEY_STORE } from '@coursehub/core';
import { defineFeature, FeatureModule } from '@coursehub/messaging';
import { Module } from '@nestjs/common';
import { ErasedUserEntity } from './data/erased-user.entity';
import { ErasedUsersRepository } from './data/erased-users.repository';
import { IdempotencyKeyJanitor } from './data/idempotency-key-janitor';
import { IdempotencyKeyEntity } from './data/idempotency-key.entity';
import { IdempotencyKeysRepository } from './data/idempotency-keys.repository';
import { CreateOrderTables1764000000000 } from './data/migrations/1764000000000-create-order-tables';
import { CreateErasedUsers1765400000000 } from './data/migrations/1765400000000-create-erased-users';
import { OrderEntity } from './data/order.entity';
import { OrdersRepository } from './data/orders.repository';
import { COURSE_CATALOG } from './domain/course-catalog';
import { OrdersService } from './domain/orders.service';
import { OrderPersonalDataService } from './domain/personal-data.service';
import { OrdersController } from './http/orders.controller';
import { MessageBusCourseCatalog } from './messaging/message-bus-course-catalog';
import { OrderMessageHandlers } from './messaging/order-message-handlers';
import { ORDER_FEATURE } from './order.constants';
import { orderEnvSchema } from './order.env';

/**
 * Orders (enrolments) with a course snapshot, idempotent creation and outbox events. It asks the
 * course feature for courses over the transport (`course.get`), erases what it holds about deleted
 * accounts (`user.deleted`) and exports it (`GET /me/export`, the `order` section).
 */
@Module({})
export class OrderModule {
  static register(): FeatureModule {
    return defineFeature(OrderModule, {
      name: ORDER_FEATURE,
      envSchema: orderEnvSchema,
      database: {
        entities: [OrderEntity, IdempotencyKeyEntity, ErasedUserEntity],
        migrations: [CreateOrderTables1764000000000, CreateErasedUsers1765400000000],
      },
      requestTopics: [courseGet.topic],
      consumesMessages: true,
      controllers: [OrdersController, OrderMessageHandlers],
      providers: [
        OrdersService,
        OrderPersonalDataService,
        OrdersRepository,
        ErasedUsersRepository,
        IdempotencyKeysRepository,
        { provide: IDEMPOTENCY_KEY_STORE, useExisting: IdempotencyKeysRepository },
        IdempotencyKeyJanitor,
        { provide: COURSE_CATALOG, useClass: MessageBusCourseCatalog },
      ],
    });
  }
}

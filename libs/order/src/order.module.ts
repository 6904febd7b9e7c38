import { courseGet } from '@coursehub/contracts';
import { IDEMPOTENCY_KEY_STORE } from '@coursehub/core';
import { defineFeature, FeatureModule } from '@coursehub/messaging';
import { Module } from '@nestjs/common';
import { IdempotencyKeyJanitor } from './data/idempotency-key-janitor';
import { IdempotencyKeyEntity } from './data/idempotency-key.entity';
import { IdempotencyKeysRepository } from './data/idempotency-keys.repository';
import { CreateOrderTables1764000000000 } from './data/migrations/1764000000000-create-order-tables';
import { OrderEntity } from './data/order.entity';
import { OrdersRepository } from './data/orders.repository';
import { COURSE_CATALOG } from './domain/course-catalog';
import { OrdersService } from './domain/orders.service';
import { OrdersController } from './http/orders.controller';
import { MessageBusCourseCatalog } from './messaging/message-bus-course-catalog';
import { ORDER_FEATURE } from './order.constants';
import { orderEnvSchema } from './order.env';

/**
 * Orders (enrolments) with a course snapshot, idempotent creation and outbox events. It asks the
 * course feature for courses over the transport (`course.get`) and handles no messages itself.
 */
@Module({})
export class OrderModule {
  static register(): FeatureModule {
    return defineFeature(OrderModule, {
      name: ORDER_FEATURE,
      envSchema: orderEnvSchema,
      database: {
        entities: [OrderEntity, IdempotencyKeyEntity],
        migrations: [CreateOrderTables1764000000000],
      },
      requestTopics: [courseGet.topic],
      consumesMessages: false,
      controllers: [OrdersController],
      providers: [
        OrdersService,
        OrdersRepository,
        IdempotencyKeysRepository,
        { provide: IDEMPOTENCY_KEY_STORE, useExisting: IdempotencyKeysRepository },
        IdempotencyKeyJanitor,
        { provide: COURSE_CATALOG, useClass: MessageBusCourseCatalog },
      ],
    });
  }
}

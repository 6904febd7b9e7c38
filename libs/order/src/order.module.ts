import { FeatureDatabaseModule } from '@coursehub/core';
import { messagingEntities, messagingMigrations, OutboxRelayModule } from '@coursehub/messaging';
import { Module } from '@nestjs/common';
import { COURSE_CATALOG } from './catalog/course-catalog';
import { MessageBusCourseCatalog } from './catalog/message-bus-course-catalog';
import { IdempotencyKeyEntity } from './idempotency/idempotency-key.entity';
import { IdempotencyKeyJanitor } from './idempotency/idempotency-key-janitor';
import { IdempotencyStore } from './idempotency/idempotency-store';
import { CreateOrderTables1764000000000 } from './migrations/1764000000000-create-order-tables';
import { ORDER_DATA_SOURCE } from './order.constants';
import { OrderEntity } from './orders/order.entity';
import { OrdersController } from './orders/orders.controller';
import { OrdersService } from './orders/orders.service';

/**
 * Orders (enrolments) with a course snapshot, idempotent creation and outbox events. Needs the
 * app root to compose `MessagingModule.forRoot` with `courseGet.topic` among its request topics.
 */
@Module({
  imports: [
    FeatureDatabaseModule.register({
      name: ORDER_DATA_SOURCE,
      entities: [OrderEntity, IdempotencyKeyEntity, ...messagingEntities],
      migrations: [...messagingMigrations, CreateOrderTables1764000000000],
    }),
    OutboxRelayModule.forDataSource(ORDER_DATA_SOURCE),
  ],
  controllers: [OrdersController],
  providers: [
    OrdersService,
    IdempotencyStore,
    IdempotencyKeyJanitor,
    { provide: COURSE_CATALOG, useClass: MessageBusCourseCatalog },
  ],
})
export class OrderModule {}

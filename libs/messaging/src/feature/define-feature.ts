import { FeatureDatabaseModule, FeatureTransactions } from '@coursehub/core';
import { getTransactionHostToken } from '@nestjs-cls/transactional';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DynamicModule, ModuleMetadata, Provider, Type } from '@nestjs/common';
import { DataSource, EntitySchema, MixedList } from 'typeorm';
import { z } from 'zod';
import { DeadLetterStores, DeadLetterTable, registerFeatureControllers } from '../consumer/dead-letters';
import { ProcessedEvents } from '../consumer/idempotent-consumer';
import { MESSAGING_OPTIONS, MessagingOptions } from '../messaging.constants';
import { AddOutboxTraceparent1764900000000 } from '../outbox/add-outbox-traceparent.migration';
import { CreateMessagingTables1763700000000 } from '../outbox/create-messaging-tables.migration';
import { Outbox } from '../outbox/outbox';
import { OutboxMessageEntity, ProcessedEventEntity } from '../outbox/outbox-message.entity';
import { OutboxRelayModule } from '../outbox/outbox-relay.module';
import { ParkOutboxAndDeadLetters1763800000000 } from '../outbox/park-outbox-and-dead-letters.migration';

/** A feature's own PostgreSQL database; the outbox and processed-events tables come with it. */
export interface FeatureDatabase {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/** Everything a composition root needs to know about a feature, declared by the feature itself. */
export interface FeatureDefinition extends Pick<ModuleMetadata, 'imports' | 'controllers' | 'exports'> {
  /** `auth`, `course`, ...: also the name of its database, data source and transaction host. */
  name: string;
  /** The environment variables the feature reads (merged into the root's schema). */
  envSchema?: z.ZodObject;
  database?: FeatureDatabase;
  /** Request/reply contracts the feature sends (the Kafka transport subscribes to their replies). */
  requestTopics?: string[];
  /** Whether the feature has event or request handlers, so the root attaches a consumer. */
  consumesMessages?: boolean;
  providers?: Provider[];
}

/** What `XModule.register()` returns: the Nest module plus its definition for the root builder. */
export interface FeatureModule {
  readonly definition: FeatureDefinition;
  readonly module: DynamicModule;
}

/**
 * Builds a feature's module from its definition: with a database come the TypeORM data source
 * (migrations under a lock, transactions through nestjs-cls), the outbox relay and an `Outbox`
 * and `ProcessedEvents` (idempotent consumers) bound to that database, so no feature writes this
 * wiring itself.
 */
export function defineFeature(moduleClass: Type, definition: FeatureDefinition): FeatureModule {
  const { name, database } = definition;
  const persistence = database
    ? {
        imports: [
          FeatureDatabaseModule.register({
            name,
            entities: [...asArray(database.entities), OutboxMessageEntity, ProcessedEventEntity],
            migrations: [
              CreateMessagingTables1763700000000,
              ParkOutboxAndDeadLetters1763800000000,
              AddOutboxTraceparent1764900000000,
              ...asArray(database.migrations),
            ],
          }),
          OutboxRelayModule.forDataSource(name),
        ],
        providers: [
          {
            provide: Outbox,
            inject: [MESSAGING_OPTIONS, getTransactionHostToken(name)],
            useFactory: (options: MessagingOptions, transactions: FeatureTransactions) =>
              new Outbox(options.serviceName, transactions),
          },
          {
            // The feature's dead_letters table, where its handlers' dead letters go in-process.
            provide: `${name}:dead-letter-table`,
            inject: [DeadLetterStores, getDataSourceToken(name)],
            useFactory: (stores: DeadLetterStores, dataSource: DataSource) => {
              const table = new DeadLetterTable((sql, parameters) => dataSource.query(sql, parameters));
              stores.register(name, table);
              return table;
            },
          },
          {
            provide: ProcessedEvents,
            inject: [getTransactionHostToken(name)],
            useFactory: (transactions: FeatureTransactions) => new ProcessedEvents(transactions),
          },
        ],
      }
    : { imports: [], providers: [] };
  registerFeatureControllers(name, definition.controllers ?? []);
  return {
    definition,
    module: {
      module: moduleClass,
      imports: [...persistence.imports, ...(definition.imports ?? [])],
      controllers: definition.controllers ?? [],
      providers: [...persistence.providers, ...(definition.providers ?? [])],
      exports: definition.exports ?? [],
    },
  };
}

function asArray<T>(list: MixedList<T>): T[] {
  return Array.isArray(list) ? list : Object.values(list as Record<string, T>);
}

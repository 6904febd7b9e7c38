import {
  BeforeApplicationShutdown,
  DynamicModule,
  Inject,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MessageBus } from '../message-bus';
import { MESSAGING_OPTIONS, MessagingOptions } from '../messaging.constants';
import { KafkaEnv } from '../messaging.env';
import { InProcessServer } from '../transport/in-process.transport';
import { OutboxRelay } from './outbox-relay';

/**
 * Runs the outbox relay of one feature's data source for as long as the app runs. It stops in
 * `beforeApplicationShutdown`, before Nest closes the transports (the in-process server, the Kafka
 * producer), so a pass in flight finishes while it can still deliver; what it could not deliver
 * stays unsent and goes out at the next start.
 */
@Module({})
export class OutboxRelayModule {
  static forDataSource(dataSourceName: string): DynamicModule {
    class OutboxRelayLifecycle
      implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
    {
      private readonly relay: OutboxRelay;

      constructor(
        @Inject(getDataSourceToken(dataSourceName)) dataSource: DataSource,
        bus: MessageBus,
        config: ConfigService<KafkaEnv, true>,
        @Inject(MESSAGING_OPTIONS) options: MessagingOptions,
      ) {
        const inProcess = options.transport === 'in-process';
        const consumers = options.consumesMessages !== false;
        this.relay = new OutboxRelay(dataSourceName, dataSource, bus, {
          pollMs: config.get('OUTBOX_POLL_MS', { infer: true }),
          batchSize: config.get('OUTBOX_BATCH_SIZE', { infer: true }),
          // With Kafka the database is a PostgreSQL server: wake on commit instead of the next poll.
          listen: !inProcess && config.get('OUTBOX_LISTEN', { infer: true }),
          retryMaxMs: config.get('OUTBOX_RETRY_MAX_MS', { infer: true }),
          maxPublishAttempts: config.get('OUTBOX_MAX_PUBLISH_ATTEMPTS', { infer: true }),
          exclusivity: inProcess ? 'process' : 'database-lock',
          // In-process, an event published before the handlers listen would reach nobody.
          canPublish: inProcess && consumers ? () => InProcessServer.listeningCount() > 0 : undefined,
          traceContextIn: inProcess ? 'envelope' : 'headers',
        });
      }

      onApplicationBootstrap(): void {
        this.relay.start();
      }

      async beforeApplicationShutdown(): Promise<void> {
        await this.relay.stop();
      }

      async onApplicationShutdown(): Promise<void> {
        // Already stopped; kept for apps closed without the before-shutdown phase.
        await this.relay.stop();
      }
    }
    return { module: OutboxRelayModule, providers: [OutboxRelayLifecycle] };
  }
}

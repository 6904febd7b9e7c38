import { DynamicModule, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MessageBus } from '../message-bus';
import { KafkaEnv } from '../messaging.env';
import { OutboxRelay } from './outbox-relay';

/** Runs the outbox relay of one feature's data source for as long as the app runs. */
@Module({})
export class OutboxRelayModule {
  static forDataSource(dataSourceName: string): DynamicModule {
    class OutboxRelayLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
      private readonly relay: OutboxRelay;

      constructor(
        @Inject(getDataSourceToken(dataSourceName)) dataSource: DataSource,
        bus: MessageBus,
        config: ConfigService<KafkaEnv, true>,
      ) {
        this.relay = new OutboxRelay(dataSourceName, dataSource, bus, {
          pollMs: config.get('OUTBOX_POLL_MS', { infer: true }),
        });
      }

      onApplicationBootstrap(): void {
        this.relay.start();
      }

      async onApplicationShutdown(): Promise<void> {
        await this.relay.stop();
      }
    }
    return { module: OutboxRelayModule, providers: [OutboxRelayLifecycle] };
  }
}

import { configValues, TypedConfigService } from '@coursehub/core';
import { DynamicModule, Global, INestApplication, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ClientKafka, ClientProxy } from '@nestjs/microservices';
import { ConsumerLagMonitor } from './consumer/consumer-lag.monitor';
import { DeadLetterStores } from './consumer/dead-letters';
import { ConsumerShutdown, EventConsumerInterceptor } from './consumer/event-consumer.interceptor';
import { RequestAnswerInterceptor } from './consumer/decorators';
import { KafkaReadiness } from './health/kafka-readiness';
import { MessageBus } from './message-bus';
import { MESSAGING_CLIENT, MESSAGING_OPTIONS, MessagingOptions } from './messaging.constants';
import { KafkaEnv } from './messaging.env';
import { InProcessClient, InProcessServer } from './transport/in-process.transport';
import { KeyOrderedServerKafka } from './transport/key-ordered-server-kafka';
import {
  kafkaClientOptions,
  KAFKA_CONNECTION_KEYS,
  KafkaConnection,
  kafkaConnectionFromEnv,
  kafkaTransportOptions,
} from './transport/kafka-options';

/** The transport of this process, chosen by the composition root; features never see which. */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    const kafka = options.transport === 'kafka';
    return {
      module: MessagingModule,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        ...(kafka
          ? [
              {
                provide: KafkaConnection,
                inject: [ConfigService],
                useFactory: (config: TypedConfigService<KafkaEnv & { NODE_ENV: string }>) =>
                  kafkaConnectionFromEnv(
                    configValues(config, [...KAFKA_CONNECTION_KEYS, 'NODE_ENV']),
                    options.serviceName,
                  ),
              },
              {
                provide: MESSAGING_CLIENT,
                inject: [KafkaConnection],
                useFactory: (connection: KafkaConnection): ClientProxy => {
                  const client = new ClientKafka(
                    kafkaClientOptions(connection, options.requestTopics ?? []).options ?? {},
                  );
                  for (const topic of options.requestTopics ?? []) client.subscribeToResponseOf(topic);
                  return client as unknown as ClientProxy;
                },
              },
              KafkaReadiness,
              ConsumerLagMonitor,
            ]
          : [{ provide: MESSAGING_CLIENT, useFactory: (): ClientProxy => new InProcessClient() }]),
        MessageBus,
        DeadLetterStores,
        ConsumerShutdown,
        EventConsumerInterceptor,
        RequestAnswerInterceptor,
      ],
      exports: [
        MessageBus,
        MESSAGING_OPTIONS,
        DeadLetterStores,
        ConsumerShutdown,
        EventConsumerInterceptor,
        RequestAnswerInterceptor,
        // The consumer interceptor, built in each feature's scope, labels metrics with the group.
        ...(kafka ? [KafkaConnection] : []),
      ],
    };
  }
}

/** Attaches the consumer side of the chosen transport to a hybrid HTTP app; then `startAllMicroservices()`. */
export function connectMessaging(app: INestApplication): void {
  const options = app.get<MessagingOptions>(MESSAGING_OPTIONS);
  // A process whose features only publish and request (order) needs no consumer.
  if (options.consumesMessages === false) return;
  if (options.transport === 'kafka') {
    const connection = app.get(KafkaConnection);
    const server = new KeyOrderedServerKafka(
      kafkaTransportOptions(connection).options!,
      connection.eventsInFlight ?? 1,
    );
    app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
  } else {
    app.connectMicroservice({ strategy: new InProcessServer() }, { inheritAppConfig: true });
  }
}

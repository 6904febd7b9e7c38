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
import {
  kafkaClientOptions,
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
                useFactory: (config: ConfigService<KafkaEnv & { NODE_ENV: string }, true>) =>
                  kafkaConnectionFromEnv(
                    {
                      KAFKA_BROKERS: config.get('KAFKA_BROKERS', { infer: true }),
                      KAFKA_CLIENT_ID: config.get('KAFKA_CLIENT_ID', { infer: true }),
                      KAFKA_GROUP_ID: config.get('KAFKA_GROUP_ID', { infer: true }),
                      KAFKA_SSL: config.get('KAFKA_SSL', { infer: true }),
                      KAFKA_SASL_MECHANISM: config.get('KAFKA_SASL_MECHANISM', { infer: true }),
                      KAFKA_SASL_USERNAME: config.get('KAFKA_SASL_USERNAME', { infer: true }),
                      KAFKA_SASL_PASSWORD: config.get('KAFKA_SASL_PASSWORD', { infer: true }),
                      KAFKA_MAX_WAIT_MS: config.get('KAFKA_MAX_WAIT_MS', { infer: true }),
                      KAFKA_IDEMPOTENT_PRODUCER: config.get('KAFKA_IDEMPOTENT_PRODUCER', { infer: true }),
                      KAFKA_SESSION_TIMEOUT_MS: config.get('KAFKA_SESSION_TIMEOUT_MS', { infer: true }),
                      KAFKA_AUTO_CREATE_TOPICS: config.get('KAFKA_AUTO_CREATE_TOPICS', { infer: true }),
                      NODE_ENV: config.get('NODE_ENV', { infer: true }),
                    } as KafkaEnv & { NODE_ENV?: string },
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
    app.connectMicroservice(kafkaTransportOptions(app.get(KafkaConnection)), { inheritAppConfig: true });
  } else {
    app.connectMicroservice({ strategy: new InProcessServer() }, { inheritAppConfig: true });
  }
}

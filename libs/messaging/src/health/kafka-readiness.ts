import { ReadinessRegistry } from '@coursehub/core';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Admin } from 'kafkajs';
import { MessageBus } from '../message-bus';
import { MESSAGING_OPTIONS, MessagingOptions } from '../messaging.constants';
import { KafkaConnection, kafkaSideClient } from '../transport/kafka-options';

/**
 * Kafka is a dependency the services work around (events wait in the outbox, consumers resume
 * where they stopped): `/health/dependencies` and `coursehub_dependency_up{dependency="kafka"}` ask a broker
 * for the cluster metadata (a fresh admin after every failure). Readiness only asks what this
 * instance cannot serve without: an instance that sends requests must receive their replies.
 */
@Injectable()
export class KafkaReadiness implements OnModuleInit, OnApplicationShutdown {
  private admin?: Admin;

  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly connection: KafkaConnection,
    private readonly bus: MessageBus,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  onModuleInit(): void {
    if ((this.options.requestTopics ?? []).length > 0) {
      this.readiness.register('kafka-replies', () => {
        if (!this.bus.receivesReplies)
          return Promise.reject(new Error('The reply consumer has no partition of its reply topics yet'));
        return Promise.resolve({ replyTopics: this.options.requestTopics!.length });
      });
    }
    this.readiness.registerDependency('kafka', async () => {
      try {
        this.admin ??= await this.connect();
        const cluster = await this.admin.describeCluster();
        if (!this.bus.connected) throw new Error('The producer and reply consumer have not connected yet');
        return { brokers: cluster.brokers.length };
      } catch (error) {
        await this.admin?.disconnect().catch(() => undefined);
        this.admin = undefined;
        throw error;
      }
    });
  }

  private async connect(): Promise<Admin> {
    const admin = kafkaSideClient(this.connection, 'health', {
      connectionTimeout: 1_000,
      requestTimeout: 1_500,
      retry: { retries: 0 },
    }).admin();
    await admin.connect();
    return admin;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }
}

import { ReadinessRegistry } from '@coursehub/core';
import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { MessageBus } from '../message-bus';
import { KafkaConnection } from '../transport/kafka-options';

/**
 * `/health/ready` asks a broker for the cluster metadata (a fresh admin after every failure), and
 * is not ready before this process's own producer and reply consumer have connected once.
 */
@Injectable()
export class KafkaReadiness implements OnModuleInit, OnApplicationShutdown {
  private admin?: Admin;

  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly connection: KafkaConnection,
    private readonly bus: MessageBus,
  ) {}

  onModuleInit(): void {
    this.readiness.register('kafka', async () => {
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
    const kafka = new Kafka({
      clientId: `${this.connection.clientId}-health`,
      brokers: this.connection.brokers,
      ssl: this.connection.ssl,
      sasl: this.connection.sasl,
      connectionTimeout: 1_000,
      requestTimeout: 1_500,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    return admin;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }
}

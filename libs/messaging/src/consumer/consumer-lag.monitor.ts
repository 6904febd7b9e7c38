import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Admin } from 'kafkajs';
import { MESSAGING_OPTIONS, MessagingOptions } from '../messaging.constants';
import { messagingMetrics } from '../metrics';
import { KafkaConnection, kafkaSideClient } from '../transport/kafka-options';
import { consumedEventTopics } from './decorators';

/** How often the lag is measured: alerting resolution, at two cheap admin requests per topic. */
export const CONSUMER_LAG_POLL_MS = 15_000;

/**
 * Keeps `coursehub_kafka_consumer_lag{consumer_group,topic,partition}` current: for every topic this
 * process consumes, the partition's high watermark minus the group's committed offset (kafkajs
 * admin: OffsetFetch and ListOffsets). Partitions the group never committed on are left out: their
 * lag is not known yet. Measured here, not by the broker, so it works on any Kafka (managed or not)
 * without a separate exporter.
 */
@Injectable()
export class ConsumerLagMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConsumerLagMonitor.name);
  private readonly lag = messagingMetrics.consumerLag();
  private admin?: Admin;
  private connected?: Promise<Admin>;
  private timer?: NodeJS.Timeout;
  private failures = 0;

  constructor(
    private readonly connection: KafkaConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.consumesMessages === false) return;
    this.timer = setInterval(() => void this.refresh(), CONSUMER_LAG_POLL_MS).unref();
    void this.refresh();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  /** Measures the lag now; a broker that does not answer leaves the last values (and logs once). */
  async refresh(topics: string[] = consumedEventTopics()): Promise<void> {
    if (topics.length === 0) return;
    try {
      const admin = await this.connectedAdmin();
      const groupId = this.connection.groupId;
      const committed = await admin.fetchOffsets({ groupId, topics });
      for (const { topic, partitions } of committed) {
        const watermarks = new Map(
          (await admin.fetchTopicOffsets(topic)).map((entry) => [entry.partition, Number(entry.high)]),
        );
        for (const { partition, offset } of partitions) {
          const high = watermarks.get(partition);
          if (Number(offset) < 0 || high === undefined) continue;
          this.lag.set(
            { consumer_group: groupId, topic, partition: String(partition) },
            Math.max(0, high - Number(offset)),
          );
        }
      }
      this.failures = 0;
    } catch (error) {
      if (this.failures++ === 0) this.logger.warn(`Measuring the consumer lag failed: ${String(error)}`);
    }
  }

  private async connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = kafkaSideClient(this.connection, 'lag', {
        connectionTimeout: 3_000,
        requestTimeout: 5_000,
        retry: { retries: 1 },
      }).admin();
      this.admin = admin;
      this.connected = admin.connect().then(
        () => admin,
        (error: unknown) => {
          this.admin = undefined;
          throw error;
        },
      );
    }
    return this.connected!;
  }
}

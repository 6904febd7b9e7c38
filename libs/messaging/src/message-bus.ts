import { RequestContract, ReplyOf, RequestOf } from '@coursehub/contracts';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ClientKafka, ClientProxy } from '@nestjs/microservices';
import { lastValueFrom, timeout, TimeoutError } from 'rxjs';
import { MESSAGING_CLIENT, MESSAGING_OPTIONS, MessagingOptions } from './messaging.constants';
import { RequestTimeoutError, TransportUnavailableError } from './messaging.errors';

export interface PublishedMessage {
  topic: string;
  key: string | null;
  value: unknown;
  headers?: Record<string, string>;
}

interface KafkaMessageOut {
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/** The one way features publish and request: module code never sees which transport runs. */
@Injectable()
export class MessageBus implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MessageBus.name);
  private isConnected = false;
  private isClosed = false;
  private reconnectTimer?: NodeJS.Timeout;

  constructor(
    @Inject(MESSAGING_CLIENT) private readonly client: ClientProxy,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  onApplicationBootstrap(): void {
    // Connect in the background: a broker that is down must not stop the service from serving
    // HTTP (events wait in the outbox, readiness reports the broker).
    this.connect();
  }

  private connect(): void {
    this.client.connect().then(
      () => {
        this.isConnected = true;
      },
      (error: unknown) => {
        if (this.isClosed) return;
        this.logger.warn(`Broker not reachable yet, retrying in 5 s: ${String(error)}`);
        this.reconnectTimer = setTimeout(() => this.connect(), 5_000).unref();
      },
    );
  }

  /**
   * Whether the producer and the reply consumer are up: until then a request could not be
   * answered, so Kafka readiness waits for it (a fresh replica gets no traffic before).
   */
  get connected(): boolean {
    return this.isConnected;
  }

  /**
   * Whether this instance receives the replies of its requests: connected, and (Kafka) its reply
   * consumer owns a partition of every reply topic. Until then a request could only time out.
   */
  get receivesReplies(): boolean {
    if (!this.isConnected) return false;
    if (!(this.client instanceof ClientKafka)) return true;
    const assignments = this.client.getConsumerAssignments();
    return (this.options.requestTopics ?? []).every((topic) => assignments[`${topic}.reply`] !== undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.isClosed = true;
    clearTimeout(this.reconnectTimer);
    await this.client.close();
  }

  /** Publishes and waits for the broker's acknowledgement. */
  async publish(message: PublishedMessage): Promise<void> {
    const payload =
      this.client instanceof ClientKafka
        ? { key: message.key, value: message.value, headers: message.headers }
        : message.value;
    try {
      await lastValueFrom(this.client.emit(message.topic, payload), { defaultValue: undefined });
    } catch (error) {
      throw new TransportUnavailableError(message.topic, error);
    }
  }

  /**
   * Whether `publishBatch` sends many messages in one broker request (Kafka). In-process, a batch
   * is delivered one message after the other, each waiting for its handlers, as `publish` does.
   */
  get publishesInBatches(): boolean {
    return this.client instanceof ClientKafka;
  }

  /**
   * Publishes `messages` in their order and waits for the broker's acknowledgement of all of them:
   * on Kafka one `sendBatch` (one request per broker, the messages of a partition in order); if it
   * fails, some partitions may have been written (a later retry duplicates them: consumers are
   * idempotent), and nothing should be counted as sent.
   */
  async publishBatch(messages: PublishedMessage[]): Promise<void> {
    if (messages.length === 0) return;
    if (!(this.client instanceof ClientKafka)) {
      for (const message of messages) await this.publish(message);
      return;
    }
    const byTopic = new Map<string, KafkaMessageOut[]>();
    for (const message of messages) {
      // What Nest's KafkaRequestSerializer makes of `publish`'s payload, so consumers see no difference.
      const serialized: KafkaMessageOut = {
        key: message.key,
        value: typeof message.value === 'string' ? message.value : JSON.stringify(message.value),
        headers: message.headers ?? {},
      };
      const topicMessages = byTopic.get(message.topic);
      if (topicMessages) topicMessages.push(serialized);
      else byTopic.set(message.topic, [serialized]);
    }
    const topics = [...byTopic.keys()].join(', ');
    try {
      // Throws until connected ("No producer initialized"): transient, like a broker away.
      const producer = this.client.producer;
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, topicMessages]) => ({
          topic,
          messages: topicMessages,
        })),
      });
    } catch (error) {
      throw new TransportUnavailableError(topics, error);
    }
  }

  /** Request/reply with a validated request and reply; no answer in time is a RequestTimeoutError. */
  async request<Contract extends RequestContract>(
    contract: Contract,
    payload: RequestOf<Contract>,
    options: { timeoutMs: number },
  ): Promise<ReplyOf<Contract>> {
    const request: unknown = contract.requestSchema.parse(payload);
    let reply: unknown;
    try {
      reply = await lastValueFrom(this.client.send(contract.topic, request).pipe(timeout(options.timeoutMs)));
    } catch (error) {
      if (error instanceof TimeoutError) throw new RequestTimeoutError(contract.topic, options.timeoutMs);
      throw new TransportUnavailableError(contract.topic, error);
    }
    return contract.replySchema.parse(reply) as ReplyOf<Contract>;
  }

  get serviceName(): string {
    return this.options.serviceName;
  }
}

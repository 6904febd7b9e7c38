import { deadLetterTopicOf, EventContract, InvalidEnvelopeError, parseEnvelope } from '@coursehub/contracts';
import { inSpan, runWithCorrelationId } from '@coursehub/core';
import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  Logger,
  NestInterceptor,
  OnModuleDestroy,
  Optional,
  Type,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { KafkaContext } from '@nestjs/microservices';
import { from, lastValueFrom, Observable } from 'rxjs';
import { MessageBus } from '../message-bus';
import { MESSAGING_OPTIONS, MessagingOptions } from '../messaging.constants';
import { KafkaEnv } from '../messaging.env';
import {
  backoffDelayMs,
  classifyFailure,
  ConsumerStoppedError,
  errorMessage,
  FailureKind,
} from '../messaging.errors';
import { messagingMetrics } from '../metrics';
import { KafkaConnection } from '../transport/kafka-options';
import { consumerSpan, traceHeadersOf } from './consumer-telemetry';
import {
  DeadLetter,
  DeadLetterReason,
  DeadLetterStores,
  featureOfHandlerClass,
  newDeadLetter,
} from './dead-letters';

export const CONSUMED_EVENT = 'coursehub:consumed-event';

/** Heartbeat at least this often while an event waits for its next attempt (Kafka). */
const HEARTBEAT_EVERY_MS = 1_000;

/** kafkajs heartbeat errors meaning this consumer no longer owns its partitions. */
const LOST_ASSIGNMENT = new Set([
  'REBALANCE_IN_PROGRESS',
  'UNKNOWN_MEMBER_ID',
  'ILLEGAL_GENERATION',
  'FENCED_INSTANCE_ID',
]);

/**
 * Says when the app begins to shut down, so handlers waiting for a retry give their event back
 * (not committed on Kafka, not marked sent in-process) instead of holding the shutdown.
 */
@Injectable()
export class ConsumerShutdown implements OnModuleDestroy {
  private readonly controller = new AbortController();

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  onModuleDestroy(): void {
    this.controller.abort();
  }
}

function kafkaContextOf(context: ExecutionContext): KafkaContext | undefined {
  const rpcContext = context.switchToRpc().getContext<unknown>();
  return rpcContext instanceof KafkaContext ? rpcContext : undefined;
}

function headersOf(kafka: KafkaContext | undefined): Record<string, string> {
  const headers = kafka?.getMessage().headers ?? {};
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));
}

function keyOf(kafka: KafkaContext | undefined, raw: unknown): string | null {
  const key = kafka?.getMessage().key;
  if (key !== undefined && key !== null) return Buffer.isBuffer(key) ? key.toString() : String(key);
  // In-process events carry no key; the event id keeps replays spread like the original.
  return raw && typeof raw === 'object' && 'id' in raw && typeof raw.id === 'string' ? raw.id : null;
}

/**
 * Around every `@ConsumeEvent` handler: validates the envelope, runs the handler in the event's
 * correlation scope and applies the failure policy (see classifyFailure):
 * - transient failures (database, broker, SMTP 4xx...) are retried without limit, with capped
 *   exponential backoff and jitter, holding the partition's position (the handler does not
 *   return, so nothing after it is consumed and nothing is committed; the Kafka heartbeat goes on);
 * - an invalid envelope or a PermanentEventError goes to the dead letters at once;
 * - other errors are retried MESSAGING_MAX_ATTEMPTS times, then dead-lettered.
 * Dead letters go to `<topic>.dlq` on Kafka, to the feature's `dead_letters` table in-process.
 */
@Injectable()
export class EventConsumerInterceptor implements NestInterceptor {
  private readonly logger = new Logger('EventConsumer');
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;

  constructor(
    private readonly reflector: Reflector,
    private readonly bus: MessageBus,
    private readonly deadLetterStores: DeadLetterStores,
    private readonly shutdown: ConsumerShutdown,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    config: ConfigService<KafkaEnv, true>,
    @Optional() private readonly kafkaConnection?: KafkaConnection,
  ) {
    this.maxAttempts = config.get('MESSAGING_MAX_ATTEMPTS', { infer: true });
    this.retryBaseMs = config.get('MESSAGING_RETRY_BASE_MS', { infer: true });
    this.retryMaxMs = config.get('MESSAGING_RETRY_MAX_MS', { infer: true });
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const contract = this.reflector.get<EventContract>(CONSUMED_EVENT, context.getHandler());
    const raw: unknown = context.switchToRpc().getData();
    const kafka = kafkaContextOf(context);
    const feature = featureOfHandlerClass(context.getClass<unknown>() as Type);
    const topic = contract.topic;
    const deadLetterFields = (reason: DeadLetterReason, error: unknown) => ({
      topic,
      key: keyOf(kafka, raw),
      reason,
      error: errorMessage(error),
      consumer: feature ?? this.options.serviceName,
      headers: headersOf(kafka),
      message: raw,
    });
    let envelope;
    try {
      envelope = parseEnvelope(contract, raw);
    } catch (error) {
      if (!(error instanceof InvalidEnvelopeError)) throw error;
      return from(this.deadLetter(newDeadLetter(deadLetterFields('invalid', error)), feature, error, kafka));
    }
    // Hand the handler the validated (and normalised) envelope.
    if (raw && typeof raw === 'object') Object.assign(raw, envelope);
    const eventId = envelope.id;
    // The Kafka consumer group; in-process, each feature consumes like a group of its own.
    const consumerGroup = kafka
      ? (this.kafkaConnection?.groupId ?? this.options.serviceName)
      : (feature ?? this.options.serviceName);
    const handlerDuration = messagingMetrics.handlerDuration();
    const run = async (): Promise<undefined> => {
      // Inside the correlation scope: Nest binds the handler's async context when handle() is called.
      const handled$ = next.handle();
      let failures = 0;
      let retries = 0;
      for (;;) {
        const attempt = handlerDuration.startTimer({ topic, consumer_group: consumerGroup });
        try {
          await lastValueFrom(handled$, { defaultValue: undefined });
          attempt({ outcome: 'success' });
          messagingMetrics.processed().inc({ topic });
          if (retries > 0)
            this.logger.log({ eventId, retries }, `Handler for ${topic} succeeded after retries`);
          return undefined;
        } catch (error) {
          attempt({ outcome: 'failure' });
          if (error instanceof ConsumerStoppedError) throw error;
          const kind: FailureKind = classifyFailure(error);
          if (kind === 'permanent') {
            await this.deadLetter(newDeadLetter(deadLetterFields('permanent', error)), feature, error, kafka);
            return undefined;
          }
          if (kind === 'failed' && ++failures >= this.maxAttempts) {
            await this.deadLetter(newDeadLetter(deadLetterFields('failed', error)), feature, error, kafka);
            return undefined;
          }
          retries++;
          messagingMetrics.retried().inc({ topic });
          // Every failure of a bug, but only now and then while the infrastructure is away.
          if (kind === 'failed' || retries === 1 || retries % 20 === 0) {
            this.logger.warn(
              { err: error, eventId, attempt: retries, kind },
              `Handler for ${topic} failed (${kind}), retrying`,
            );
          }
          await this.pause(backoffDelayMs(retries, this.retryBaseMs, this.retryMaxMs), kafka);
        }
      }
    };
    const span = consumerSpan({
      topic,
      consumerGroup,
      eventId,
      system: kafka ? 'kafka' : 'in-process',
      traceHeaders: traceHeadersOf(headersOf(kafka), raw),
    });
    return from(runWithCorrelationId(envelope.correlationId, () => inSpan(span.name, span.options, run)));
  }

  /**
   * Waits before the next attempt, heartbeating on Kafka so the group keeps this consumer (kafkajs
   * heartbeats only between messages). Gives the event back when the app stops or the partition
   * was taken away by a rebalance.
   */
  private async pause(delayMs: number, kafka: KafkaContext | undefined): Promise<void> {
    const until = Date.now() + delayMs;
    for (;;) {
      if (this.shutdown.signal.aborted) throw new ConsumerStoppedError('the application is shutting down');
      if (kafka) await this.heartbeat(kafka);
      const left = until - Date.now();
      if (left <= 0) return;
      await sleep(Math.min(left, HEARTBEAT_EVERY_MS), this.shutdown.signal);
    }
  }

  private async heartbeat(kafka: KafkaContext): Promise<void> {
    try {
      await kafka.getHeartbeat()();
    } catch (error) {
      const type = (error as { type?: unknown }).type;
      if (typeof type === 'string' && LOST_ASSIGNMENT.has(type)) {
        // Another member may own the partition now: leave the event to it (or to our rejoin).
        throw new ConsumerStoppedError(`the consumer group is rebalancing (${type})`, { cause: error });
      }
      // Coordinator unreachable: the broker is away; keep holding the position and try again.
    }
  }

  /** Records the dead letter; retried without limit while its store (database/broker) is away. */
  private async deadLetter(
    deadLetter: DeadLetter,
    feature: string | undefined,
    error: unknown,
    kafka: KafkaContext | undefined,
  ): Promise<undefined> {
    const { topic, reason } = deadLetter;
    messagingMetrics.deadLettered().inc({ topic, reason });
    const inProcess = this.options.transport === 'in-process';
    const where = inProcess ? `dead_letters (${feature ?? 'process'})` : deadLetterTopicOf(topic);
    this.logger.error(
      { err: error, topic, reason, deadLetterId: deadLetter.id },
      `Event sent to ${where}: ${deadLetter.error}`,
    );
    for (let attempt = 1; ; attempt++) {
      try {
        if (inProcess) {
          const table = this.deadLetterStores.forFeature(feature);
          if (!table) throw new Error('No dead-letter table in this process (no feature has a database)');
          await table.add(deadLetter);
        } else {
          await this.bus.publish({
            topic: deadLetterTopicOf(topic),
            key: deadLetter.key,
            value: deadLetter,
            headers: {
              ...deadLetter.headers,
              'x-dead-letter-id': deadLetter.id,
              'x-dead-letter-reason': reason,
              'x-dead-letter-error': deadLetter.error.slice(0, 500),
            },
          });
        }
        return undefined;
      } catch (storeError) {
        if (attempt === 1 || attempt % 20 === 0)
          this.logger.warn(
            { err: storeError, attempt },
            `Storing the dead letter of ${topic} failed, retrying`,
          );
        await this.pause(backoffDelayMs(attempt, this.retryBaseMs, this.retryMaxMs), kafka);
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

import { deadLetterTopicOf, EventContract, InvalidEnvelopeError, parseEnvelope } from '@coursehub/contracts';
import { runWithCorrelationId } from '@coursehub/core';
import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { KafkaContext } from '@nestjs/microservices';
import { catchError, from, map, Observable, of, retry, tap, timer } from 'rxjs';
import { MessageBus } from '../message-bus';
import { KafkaEnv } from '../messaging.env';
import { backoffDelayMs } from '../messaging.errors';
import { messagingMetrics } from '../metrics';

export const CONSUMED_EVENT = 'coursehub:consumed-event';

function headersOf(context: ExecutionContext): Record<string, string> {
  const rpcContext = context.switchToRpc().getContext<unknown>();
  if (!(rpcContext instanceof KafkaContext)) return {};
  const headers = rpcContext.getMessage().headers ?? {};
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));
}

/**
 * Around every `@ConsumeEvent` handler: validates the envelope, runs the handler in the event's
 * correlation scope, retries failures with backoff, and sends what still fails (or never was a
 * valid event) to `<topic>.dlq` with the error, so the consumer goes on with the next message.
 */
@Injectable()
export class EventConsumerInterceptor implements NestInterceptor {
  private readonly logger = new Logger('EventConsumer');
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;

  constructor(
    private readonly reflector: Reflector,
    private readonly bus: MessageBus,
    config: ConfigService<KafkaEnv, true>,
  ) {
    this.maxAttempts = config.get('MESSAGING_MAX_ATTEMPTS', { infer: true });
    this.retryBaseMs = config.get('MESSAGING_RETRY_BASE_MS', { infer: true });
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const contract = this.reflector.get<EventContract>(CONSUMED_EVENT, context.getHandler());
    const raw: unknown = context.switchToRpc().getData();
    let envelope;
    try {
      envelope = parseEnvelope(contract, raw);
    } catch (error) {
      if (!(error instanceof InvalidEnvelopeError)) throw error;
      return from(this.deadLetter(contract.topic, raw, error, headersOf(context), 'invalid'));
    }
    // Hand the handler the validated (and normalised) envelope.
    if (raw && typeof raw === 'object') Object.assign(raw, envelope);
    const topic = contract.topic;
    const correlationId = envelope.correlationId;
    return new Observable<unknown>((subscriber) =>
      runWithCorrelationId(correlationId, () =>
        next
          .handle()
          .pipe(
            retry({
              count: this.maxAttempts - 1,
              delay: (error: unknown, attempt) => {
                messagingMetrics.retried().inc({ topic });
                this.logger.warn(
                  { err: error, eventId: envelope.id, attempt },
                  `Handler for ${topic} failed, retrying`,
                );
                return timer(backoffDelayMs(attempt, this.retryBaseMs));
              },
            }),
            tap(() => messagingMetrics.processed().inc({ topic })),
            catchError((error: unknown) =>
              from(this.deadLetter(topic, raw, error, headersOf(context), 'failed')).pipe(
                map(() => undefined),
              ),
            ),
          )
          .subscribe(subscriber),
      ),
    );
  }

  private async deadLetter(
    topic: string,
    raw: unknown,
    error: unknown,
    headers: Record<string, string>,
    reason: 'invalid' | 'failed',
  ) {
    messagingMetrics.deadLettered().inc({ topic, reason });
    const message = error instanceof Error ? error.message : String(error);
    this.logger.error({ err: error, topic, reason }, `Event sent to ${deadLetterTopicOf(topic)}: ${message}`);
    const id = raw && typeof raw === 'object' && 'id' in raw ? String(raw.id) : null;
    await this.bus.publish({
      topic: deadLetterTopicOf(topic),
      key: id,
      value: { topic, reason, error: message, failedAt: new Date().toISOString(), headers, message: raw },
      headers: { ...headers, 'x-dead-letter-reason': reason, 'x-dead-letter-error': message.slice(0, 500) },
    });
    return of(undefined);
  }
}

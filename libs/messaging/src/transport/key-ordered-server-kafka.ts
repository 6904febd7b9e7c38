import { KafkaOptions, ServerKafka } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';

/**
 * Nest's Kafka server, consuming a fetched batch with several events in flight instead of one
 * message after the other (`eachMessage`): events of one key (an order, a user: the outbox's
 * message key) stay one after the other, in order; events of different keys of the same partition
 * run side by side, at most `eventsInFlight` at a time across the consumer's partitions.
 *
 * Offsets are resolved in partition order only: an offset is committed once it and every message
 * before it were handled. If a handler throws (the consumer is stopping, the group rebalancing),
 * nothing new starts, the batch waits for the events in flight and rethrows; kafkajs fetches again
 * from the first unresolved offset, so events handled after the failed one are delivered again —
 * at least once, as before, and the consumers are idempotent (`ProcessedEvents.runOnce`).
 * A handler waiting for its retry keeps heartbeating (the consumer interceptor), so the rest of
 * the batch waits behind it without losing the partition.
 */
export class KeyOrderedServerKafka extends ServerKafka {
  private eventsRunning = 0;
  private readonly slotWaiters: (() => void)[] = [];

  constructor(
    options: Required<KafkaOptions>['options'],
    private readonly eventsInFlight: number,
  ) {
    super(options);
  }

  /**
   * A topic is its handler's pattern: looked up directly. Nest first tries `JSON.parse` on every
   * incoming topic name (for object patterns), which throws for a plain name, per message.
   */
  override getHandlerByPattern(pattern: string): ReturnType<ServerKafka['getHandlerByPattern']> {
    return this.messageHandlers.get(pattern) ?? super.getHandlerByPattern(pattern);
  }

  /**
   * Subscribes and starts consuming without waiting for the group to be joined: kafkajs resolves
   * `run` only once the coordinator has admitted the member, which it delays on purpose (Kafka's
   * `group.initial.rebalance.delay.ms`, 3 s by default; the mock does the same) and again whenever
   * members come and go. Nothing an instance serves over HTTP needs its event consumers, so it
   * listens and is ready meanwhile (4.3 s sooner here); consumption starts once joined, from the
   * committed offsets (a new group from the oldest event: `subscribe.fromBeginning`), so nothing is
   * skipped. `run` does not fail when joining does: kafkajs handles that (CRASH, then a restart).
   */
  override async bindEvents(consumer: Consumer): Promise<void> {
    const patterns = [...this.messageHandlers.keys()];
    if (patterns.length > 0) {
      await consumer.subscribe({ ...(this.options.subscribe ?? {}), topics: patterns });
    }
    consumer
      .run({
        ...(this.options.run ?? {}),
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.handleBatch(payload),
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'The event consumer did not start'));
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const heartbeat = () => payload.heartbeat();
    const pause = () => payload.pause();
    const stopped = () => !payload.isRunning() || payload.isStale();
    const messages = batch.messages;
    const handled = new Array<boolean>(messages.length).fill(false);
    let resolvedUpTo = 0;
    let failure: { error: unknown } | undefined;
    const tails = new Map<string, Promise<void>>();
    const all: Promise<void>[] = [];

    const handle = async (index: number, message: KafkaMessage) => {
      if (failure || stopped()) return;
      await this.slot();
      try {
        if (failure || stopped()) return;
        await this.handleMessage({
          topic: batch.topic,
          partition: batch.partition,
          message,
          heartbeat,
          pause,
        });
      } finally {
        this.release();
      }
      handled[index] = true;
      while (resolvedUpTo < messages.length && handled[resolvedUpTo]) {
        payload.resolveOffset(messages[resolvedUpTo].offset);
        resolvedUpTo++;
      }
      // kafkajs heartbeats between eachMessage calls; here, between events (it throttles itself).
      await heartbeat();
    };

    for (let index = 0; index < messages.length; index++) {
      const message = messages[index];
      // A message without a key (a request) is ordered after nothing.
      const key = message.key ? message.key.toString() : undefined;
      const previous = key ? tails.get(key) : undefined;
      const run = (previous ? previous.then(() => handle(index, message)) : handle(index, message)).catch(
        (error: unknown) => {
          failure ??= { error };
        },
      );
      if (key) tails.set(key, run);
      all.push(run);
    }
    await Promise.all(all);
    if (failure) throw failure.error;
  }

  private async slot(): Promise<void> {
    if (this.eventsRunning < this.eventsInFlight) {
      this.eventsRunning++;
      return;
    }
    // The releasing handler hands its slot over.
    await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
  }

  private release(): void {
    const next = this.slotWaiters.shift();
    if (next) next();
    else this.eventsRunning--;
  }
}

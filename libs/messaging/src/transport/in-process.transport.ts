import { Logger } from '@nestjs/common';
import {
  BaseRpcContext,
  ClientProxy,
  CustomTransportStrategy,
  ReadPacket,
  Server,
  WritePacket,
} from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';

/**
 * The in-process transport of the single-process platform (and of fast tests): the same
 * `@EventPattern`/`@MessagePattern` handlers and `ClientProxy` API as Kafka, without a broker.
 * Nest ships no in-memory transport, hence this small one.
 */
const listeningServers = new Set<InProcessServer>();

export class InProcessContext extends BaseRpcContext<[string]> {
  constructor(pattern: string) {
    super([pattern]);
  }
}

export class InProcessServer extends Server implements CustomTransportStrategy {
  private readonly inProcessLogger = new Logger(InProcessServer.name);
  /**
   * Events of one topic are handled one at a time in publishing order, as a Kafka consumer does
   * per partition; topics do not wait for each other (a handler retrying through an outage of one
   * feature's database does not stop the other features).
   */
  private readonly queues = new Map<string, Promise<void>>();

  listen(callback: () => void): void {
    listeningServers.add(this);
    callback();
  }

  /** Stops taking events, then lets the ones already accepted finish (or give up, when stopping). */
  async close(): Promise<void> {
    listeningServers.delete(this);
    await Promise.all(this.queues.values());
  }

  on(): void {
    // No transport-level events to subscribe to.
  }

  unwrap<T>(): T {
    throw new Error('The in-process transport has no underlying client to unwrap');
  }

  /** How many servers take events now (the outbox relay waits for one before publishing). */
  static listeningCount(): number {
    return listeningServers.size;
  }

  /** Request/reply: the first listening handler answers. */
  static findRequestHandler(pattern: string) {
    for (const server of listeningServers) {
      const handler = server.getHandlerByPattern(pattern);
      if (handler && !handler.isEventHandler) return { server, handler };
    }
    return undefined;
  }

  /**
   * Events: every listening server with a handler receives them, like one consumer group per
   * service. Resolves once every handler has finished with the event (applied it or dead-lettered
   * it), rejects when one gave it back (the app is stopping) or failed outside the consumer policy:
   * the publisher (the outbox relay) then keeps the event and delivers it again.
   */
  static async deliverEvent(packet: ReadPacket): Promise<number> {
    const deliveries: Promise<void>[] = [];
    for (const server of listeningServers) {
      if (!server.getHandlerByPattern(packet.pattern as string)) continue;
      deliveries.push(server.enqueue(packet));
    }
    const results = await Promise.allSettled(deliveries);
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    return deliveries.length;
  }

  private enqueue(packet: ReadPacket): Promise<void> {
    const topic = packet.pattern as string;
    const handled = (this.queues.get(topic) ?? Promise.resolve()).then(() => this.process(topic, packet));
    const settled = handled.catch(() => undefined);
    this.queues.set(topic, settled);
    void settled.then(() => {
      if (this.queues.get(topic) === settled) this.queues.delete(topic);
    });
    return handled;
  }

  /** Runs the handler to completion (the base `handleEvent` only starts its stream). */
  private async process(topic: string, packet: ReadPacket): Promise<void> {
    const handler = this.getHandlerByPattern(topic);
    if (!handler) return;
    try {
      const result: unknown = await handler(packet.data, new InProcessContext(topic));
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    } catch (error) {
      this.inProcessLogger.warn({ err: error, topic }, 'In-process event handler did not finish the event');
      throw error;
    }
  }
}

export class InProcessClient extends ClientProxy {
  connect(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {
    // Nothing to release.
  }

  unwrap<T>(): T {
    throw new Error('The in-process transport has no underlying client to unwrap');
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const target = InProcessServer.findRequestHandler(packet.pattern as string);
    if (!target) {
      // Like a broker with nobody consuming: no answer; the caller's timeout decides.
      return () => undefined;
    }
    let cancelled = false;
    const run = async () => {
      const result$ = target.server.transformToObservable(
        await target.handler(packet.data, new InProcessContext(packet.pattern as string)),
      );
      const subscription = result$.subscribe({
        next: (response: unknown) => !cancelled && callback({ response, isDisposed: false }),
        error: (err: unknown) => !cancelled && callback({ err, isDisposed: true }),
        complete: () => !cancelled && callback({ isDisposed: true }),
      });
      return subscription;
    };
    run().catch((err: unknown) => !cancelled && callback({ err, isDisposed: true }));
    return () => {
      cancelled = true;
    };
  }

  /** Resolves after the handlers ran: an event counts as delivered only once it was handled. */
  protected async dispatchEvent<T = number>(packet: ReadPacket): Promise<T> {
    // Clone, so a handler can never mutate the producer's object (as over a real wire).
    const data = structuredClone<unknown>(packet.data);
    return (await InProcessServer.deliverEvent({ pattern: packet.pattern as string, data })) as T;
  }
}

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
   * Events are handled one at a time in publishing order, as a Kafka consumer with default
   * settings does, and a publisher never waits for a handler (it only waits for the "broker").
   */
  private queue: Promise<void> = Promise.resolve();

  listen(callback: () => void): void {
    listeningServers.add(this);
    callback();
  }

  /** Stops taking events, then lets the ones already accepted finish. */
  async close(): Promise<void> {
    listeningServers.delete(this);
    await this.queue;
  }

  on(): void {
    // No transport-level events to subscribe to.
  }

  unwrap<T>(): T {
    throw new Error('The in-process transport has no underlying client to unwrap');
  }

  /** Request/reply: the first listening handler answers. */
  static findRequestHandler(pattern: string) {
    for (const server of listeningServers) {
      const handler = server.getHandlerByPattern(pattern);
      if (handler && !handler.isEventHandler) return { server, handler };
    }
    return undefined;
  }

  /** Events: every listening server with a handler receives them, like one consumer group per service. */
  static deliverEvent(packet: ReadPacket): number {
    let delivered = 0;
    for (const server of listeningServers) {
      if (!server.getHandlerByPattern(packet.pattern as string)) continue;
      server.enqueue(packet);
      delivered++;
    }
    return delivered;
  }

  private enqueue(packet: ReadPacket): void {
    this.queue = this.queue.then(() => this.process(packet.pattern as string, packet));
  }

  /** Runs the handler to completion (the base `handleEvent` only starts its stream). */
  private async process(topic: string, packet: ReadPacket): Promise<void> {
    const handler = this.getHandlerByPattern(topic);
    if (!handler) return;
    try {
      const result: unknown = await handler(packet.data, new InProcessContext(topic));
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    } catch (error) {
      // The consumer interceptor has already retried and dead-lettered; nothing is left to do.
      this.inProcessLogger.error({ err: error, topic }, 'In-process event handler failed');
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

  protected dispatchEvent<T = number>(packet: ReadPacket): Promise<T> {
    // Clone, so a handler can never mutate the producer's object (as over a real wire).
    const data = structuredClone<unknown>(packet.data);
    const delivered = InProcessServer.deliverEvent({ pattern: packet.pattern as string, data });
    return Promise.resolve(delivered as T);
  }
}

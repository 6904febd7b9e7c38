import {
  BaseRpcContext,
  ClientProxy,
  CustomTransportStrategy,
  ReadPacket,
  Server,
  WritePacket,
} from '@nestjs/microservices';

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
  listen(callback: () => void): void {
    listeningServers.add(this);
    callback();
  }

  close(): void {
    listeningServers.delete(this);
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
  static async deliverEvent(packet: ReadPacket): Promise<number> {
    let delivered = 0;
    for (const server of listeningServers) {
      if (!server.getHandlerByPattern(packet.pattern as string)) continue;
      await server.handleEvent(
        packet.pattern as string,
        packet,
        new InProcessContext(packet.pattern as string),
      );
      delivered++;
    }
    return delivered;
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

  protected async dispatchEvent<T = number>(packet: ReadPacket): Promise<T> {
    // Clone, so a handler can never mutate the producer's object (as over a real wire).
    const delivered = await InProcessServer.deliverEvent({
      pattern: packet.pattern,
      data: structuredClone<unknown>(packet.data),
    });
    return delivered as T;
  }
}

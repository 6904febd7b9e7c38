import type { EnvelopeOf, EventContract, EventEnvelope } from '@coursehub/contracts';
import { ConsumeEvent } from './decorators';
import type { Type } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';

/** One consumed event and the call that handles it on an instance of the handlers' class. */
export interface EventRoute<Handlers> {
  contract: EventContract;
  /** Its result, if any, is not used: an event has no reply. */
  handle(handlers: Handlers, envelope: EventEnvelope): Promise<unknown>;
}

/** An event and its handling, the envelope typed by the event's contract. */
export function eventRoute<Handlers, Contract extends EventContract>(
  contract: Contract,
  handle: (handlers: Handlers, envelope: EnvelopeOf<Contract>) => Promise<unknown>,
): EventRoute<Handlers> {
  return { contract, handle };
}

/**
 * Gives a `@Controller()` class one method per route, exactly as if it were written
 * `@ConsumeEvent(contract) async name(@Payload() envelope) { await handle(this, envelope); }`
 * (same topic, envelope validation and interceptor): for handlers that only hand the event on.
 */
export function consumeEvents<Handlers>(
  target: Type<Handlers>,
  routes: Record<string, EventRoute<Handlers>>,
): void {
  for (const [method, route] of Object.entries(routes)) {
    const descriptor: PropertyDescriptor = {
      async value(this: Handlers, envelope: EventEnvelope): Promise<void> {
        await route.handle(this, envelope);
      },
      writable: true,
      configurable: true,
    };
    Object.defineProperty(target.prototype, method, descriptor);
    ConsumeEvent(route.contract)(target.prototype as object, method, descriptor);
    Payload()(target.prototype as object, method, 0);
  }
}

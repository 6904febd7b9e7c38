import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

interface CorrelationScope {
  correlationId: string;
}

// One store for HTTP requests and message handlers alike, so every log line of the work
// started by a request (here or in another service, via the event envelope) carries its id.
const storage = new AsyncLocalStorage<CorrelationScope>();

export const REQUEST_ID_HEADER = 'x-request-id';

/** Accept a caller's id only when it is a sane token, so headers cannot inject into logs. */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function normaliseCorrelationId(candidate: unknown): string {
  const value = Array.isArray(candidate) ? (candidate[0] as unknown) : candidate;
  return typeof value === 'string' && ACCEPTABLE_ID.test(value) ? value : randomUUID();
}

export function runWithCorrelationId<T>(correlationId: string, work: () => T): T {
  return storage.run({ correlationId }, work);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

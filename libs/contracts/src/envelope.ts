import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { EventContract, EventData } from './contract';

/** Every event on the wire: metadata around the contract's `data`. */
export interface EventEnvelope<Data = unknown> {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  producer: string;
  correlationId: string;
  data: Data;
}

export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  producer: z.string().min(1),
  correlationId: z.string().min(1).max(128),
  data: z.unknown(),
});

export function createEnvelope<Contract extends EventContract>(
  contract: Contract,
  data: EventData<Contract>,
  meta: { producer: string; correlationId?: string; occurredAt?: Date },
): EventEnvelope<EventData<Contract>> {
  return {
    id: randomUUID(),
    type: contract.type,
    version: contract.version,
    occurredAt: (meta.occurredAt ?? new Date()).toISOString(),
    producer: meta.producer,
    correlationId: meta.correlationId ?? randomUUID(),
    data: contract.schema.parse(data) as EventData<Contract>,
  };
}

export class InvalidEnvelopeError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid event envelope: ${issues.join('; ')}`);
    this.name = 'InvalidEnvelopeError';
  }
}

/** Validates the envelope and its data against the contract; throws InvalidEnvelopeError. */
export function parseEnvelope<Contract extends EventContract>(
  contract: Contract,
  raw: unknown,
): EventEnvelope<EventData<Contract>> {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) {
    throw new InvalidEnvelopeError(
      envelope.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  if (envelope.data.type !== contract.type || envelope.data.version !== contract.version) {
    throw new InvalidEnvelopeError([
      `expected ${contract.type} v${contract.version}, got ${envelope.data.type} v${envelope.data.version}`,
    ]);
  }
  const data = contract.schema.safeParse(envelope.data.data);
  if (!data.success) {
    throw new InvalidEnvelopeError(
      data.error.issues.map((issue) => `data.${issue.path.join('.')}: ${issue.message}`),
    );
  }
  return { ...envelope.data, data: data.data as EventData<Contract> };
}

import { EventEnvelope } from '@coursehub/contracts';
import { FeatureTransactions } from '@coursehub/core';

/**
 * The idempotent-consumer record of one feature database (see defineFeature). `runOnce` applies an
 * effect at most once per (consumer, event id): the id is recorded in the same transaction as the
 * effect, so a redelivered event changes nothing.
 */
export class ProcessedEvents {
  constructor(private readonly transactions: FeatureTransactions) {}

  /** Runs `effect` in a transaction with the record of the event; false for a repeat. */
  runOnce(
    consumer: string,
    envelope: Pick<EventEnvelope, 'id'>,
    effect: () => Promise<void>,
  ): Promise<boolean> {
    return this.transactions.withTransaction(async () => {
      const recorded = await this.transactions.tx.query<unknown[]>(
        'INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id',
        [consumer, envelope.id],
      );
      if (recorded.length === 0) return false;
      await effect();
      return true;
    });
  }
}

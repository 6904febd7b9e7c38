import { EventEnvelope } from '@coursehub/contracts';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Applies `effect` at most once per (consumer, event id): the id is recorded in the same
 * transaction as the effect, so a redelivered event changes nothing. Returns false for a repeat.
 */
export async function runOnce(
  dataSource: DataSource,
  consumer: string,
  envelope: Pick<EventEnvelope, 'id'>,
  effect: (manager: EntityManager) => Promise<void>,
): Promise<boolean> {
  return dataSource.transaction(async (manager) => {
    const recorded = await manager.query<unknown[]>(
      'INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id',
      [consumer, envelope.id],
    );
    if (recorded.length === 0) return false;
    await effect(manager);
    return true;
  });
}

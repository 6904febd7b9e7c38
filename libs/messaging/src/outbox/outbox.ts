import { createEnvelope, EventContract, EventData, EventEnvelope } from '@coursehub/contracts';
import { currentCorrelationId, currentTraceparent, FeatureTransactions } from '@coursehub/core';
import { OUTBOX_CHANNEL } from './outbox-relay';

const ADD_SQL = `WITH added AS (
  INSERT INTO outbox_messages (id, topic, message_key, envelope, traceparent)
  VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING id
) SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM added`;

/**
 * Writes events in the current transaction of one feature database: the event exists if and only
 * if the change it announces was committed. The relay publishes it afterwards. Each feature with a
 * database gets its own Outbox (see defineFeature); call `add` inside `transactions.withTransaction`.
 */
export class Outbox {
  constructor(
    private readonly producer: string,
    private readonly transactions: FeatureTransactions,
  ) {}

  async add<Contract extends EventContract>(
    contract: Contract,
    data: EventData<Contract>,
    options: { key: string },
  ): Promise<EventEnvelope<EventData<Contract>>> {
    if (!this.transactions.isTransactionActive()) {
      // Outside a transaction the event could be stored without its change, or the reverse.
      throw new Error(`Outbox.add(${contract.type}) must run inside a transaction of its feature database`);
    }
    const envelope = createEnvelope(contract, data, {
      producer: this.producer,
      correlationId: currentCorrelationId(),
    });
    // One statement: the row, and a notification the relay's listener receives at commit (several
    // in one transaction are folded into one by PostgreSQL). The relay publishes later, outside
    // this request: the row carries its trace.
    await this.transactions.tx.query(ADD_SQL, [
      envelope.id,
      contract.topic,
      options.key,
      JSON.stringify(envelope),
      currentTraceparent(),
    ]);
    return envelope;
  }
}

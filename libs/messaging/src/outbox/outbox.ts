import { createEnvelope, EventContract, EventData, EventEnvelope } from '@coursehub/contracts';
import { currentCorrelationId, currentTraceparent, FeatureTransactions } from '@coursehub/core';
import { OutboxMessageEntity } from './outbox-message.entity';

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
    await this.transactions.tx
      .createQueryBuilder()
      .insert()
      .into(OutboxMessageEntity)
      .values({
        id: envelope.id,
        topic: contract.topic,
        messageKey: options.key,
        envelope: () => ':envelope::jsonb',
        // The relay publishes later, outside this request: the row carries its trace.
        traceparent: currentTraceparent(),
      })
      .setParameter('envelope', JSON.stringify(envelope))
      .execute();
    return envelope;
  }
}

import { createEnvelope, EventContract, EventData, EventEnvelope } from '@coursehub/contracts';
import { currentCorrelationId } from '@coursehub/core';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MESSAGING_OPTIONS, MessagingOptions } from '../messaging.constants';
import { OutboxMessageEntity } from './outbox-message.entity';

/**
 * Writes events in the caller's transaction: the event exists if and only if the change it
 * announces was committed. The relay publishes it afterwards.
 */
@Injectable()
export class Outbox {
  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions) {}

  async add<Contract extends EventContract>(
    manager: EntityManager,
    contract: Contract,
    data: EventData<Contract>,
    options: { key: string; producer?: string },
  ): Promise<EventEnvelope<EventData<Contract>>> {
    const envelope = createEnvelope(contract, data, {
      producer: options.producer ?? this.options.serviceName,
      correlationId: currentCorrelationId(),
    });
    await manager
      .createQueryBuilder()
      .insert()
      .into(OutboxMessageEntity)
      .values({
        id: envelope.id,
        topic: contract.topic,
        messageKey: options.key,
        envelope: () => ':envelope::jsonb',
      })
      .setParameter('envelope', JSON.stringify(envelope))
      .execute();
    return envelope;
  }
}

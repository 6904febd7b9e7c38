import { type EnvelopeOf, orderCancelled, orderConfirmed, userRegistered } from '@coursehub/contracts';
import { ConsumeEvent } from '@coursehub/messaging';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EmailsService } from '../domain/emails.service';

/**
 * Platform events that call for an e-mail. Each handler only records the e-mail (one insert under
 * the event id's unique index, so a redelivery is a no-op) and returns: SMTP is the delivery
 * worker's business and never holds up the consumer.
 */
@Controller()
export class EmailMessageHandlers {
  constructor(private readonly emails: EmailsService) {}

  @ConsumeEvent(userRegistered)
  async onUserRegistered(@Payload() envelope: EnvelopeOf<typeof userRegistered>): Promise<void> {
    await this.emails.handleUserRegistered(envelope);
  }

  @ConsumeEvent(orderConfirmed)
  async onOrderConfirmed(@Payload() envelope: EnvelopeOf<typeof orderConfirmed>): Promise<void> {
    await this.emails.handleOrderConfirmed(envelope);
  }

  @ConsumeEvent(orderCancelled)
  async onOrderCancelled(@Payload() envelope: EnvelopeOf<typeof orderCancelled>): Promise<void> {
    await this.emails.handleOrderCancelled(envelope);
  }
}

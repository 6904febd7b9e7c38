import type { EnvelopeOf } from '@coursehub/contracts';
import * as events from '@coursehub/contracts';
import { ConsumeEvent } from '@coursehub/messaging';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EmailsService } from '../domain/emails.service';
import { PersonalEmailDataService } from '../domain/personal-email-data.service';

/**
 * Platform events that call for an e-mail or change what the feature knows of a user. Each
 * e-mail handler only records the e-mail (one insert under the event id's unique index, so a
 * redelivery is a no-op) and returns: SMTP is the delivery worker's business and never holds up
 * the consumer. `user.updated` and `user.deleted` are idempotent by themselves (newest projection
 * wins; the erasure is recorded once, see PersonalEmailDataService).
 */
@Controller()
export class EmailMessageHandlers {
  constructor(
    private readonly emails: EmailsService,
    private readonly personalData: PersonalEmailDataService,
  ) {}

  @ConsumeEvent(events.userRegistered)
  async onUserRegistered(@Payload() envelope: EnvelopeOf<typeof events.userRegistered>): Promise<void> {
    await this.emails.handleUserRegistered(envelope);
  }

  @ConsumeEvent(events.userUpdated)
  async onUserUpdated(@Payload() envelope: EnvelopeOf<typeof events.userUpdated>): Promise<void> {
    await this.emails.handleUserUpdated(envelope);
  }

  @ConsumeEvent(events.userDeleted)
  async onUserDeleted(@Payload() envelope: EnvelopeOf<typeof events.userDeleted>): Promise<void> {
    await this.personalData.handleUserDeleted(envelope);
  }

  @ConsumeEvent(events.emailVerificationRequested)
  async onEmailVerificationRequested(
    @Payload() envelope: EnvelopeOf<typeof events.emailVerificationRequested>,
  ): Promise<void> {
    await this.emails.handleEmailVerificationRequested(envelope);
  }

  @ConsumeEvent(events.passwordResetRequested)
  async onPasswordResetRequested(
    @Payload() envelope: EnvelopeOf<typeof events.passwordResetRequested>,
  ): Promise<void> {
    await this.emails.handlePasswordResetRequested(envelope);
  }

  @ConsumeEvent(events.accountSecurityNotice)
  async onAccountSecurityNotice(
    @Payload() envelope: EnvelopeOf<typeof events.accountSecurityNotice>,
  ): Promise<void> {
    await this.emails.handleSecurityNotice(envelope);
  }

  @ConsumeEvent(events.courseCompleted)
  async onCourseCompleted(@Payload() envelope: EnvelopeOf<typeof events.courseCompleted>): Promise<void> {
    await this.emails.handleCourseCompleted(envelope);
  }

  @ConsumeEvent(events.orderConfirmed)
  async onOrderConfirmed(@Payload() envelope: EnvelopeOf<typeof events.orderConfirmed>): Promise<void> {
    await this.emails.handleOrderConfirmed(envelope);
  }

  @ConsumeEvent(events.orderCancelled)
  async onOrderCancelled(@Payload() envelope: EnvelopeOf<typeof events.orderCancelled>): Promise<void> {
    await this.emails.handleOrderCancelled(envelope);
  }
}

import * as events from '@coursehub/contracts';
import { Controller } from '@nestjs/common';
import { EmailsService } from '../domain/emails.service';
import { PersonalEmailDataService } from '../domain/personal-email-data.service';
import { consumeEvents, eventRoute } from '@coursehub/messaging';

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

  // Each handler only hands the event to its domain call, so they are a table: one `@ConsumeEvent`
  // method each (see consumeEvents), declared in the class body to reach its private services.
  static {
    consumeEvents<EmailMessageHandlers>(this, {
      onUserRegistered: eventRoute(events.userRegistered, (h, e) => h.emails.handleUserRegistered(e)),
      onUserUpdated: eventRoute(events.userUpdated, (h, e) => h.emails.handleUserUpdated(e)),
      onUserDeleted: eventRoute(events.userDeleted, (h, e) => h.personalData.handleUserDeleted(e)),
      onEmailVerificationRequested: eventRoute(events.emailVerificationRequested, (h, e) =>
        h.emails.handleEmailVerificationRequested(e),
      ),
      onPasswordResetRequested: eventRoute(events.passwordResetRequested, (h, e) =>
        h.emails.handlePasswordResetRequested(e),
      ),
      onAccountSecurityNotice: eventRoute(events.accountSecurityNotice, (h, e) =>
        h.emails.handleSecurityNotice(e),
      ),
      onCourseCompleted: eventRoute(events.courseCompleted, (h, e) => h.emails.handleCourseCompleted(e)),
      onOrderConfirmed: eventRoute(events.orderConfirmed, (h, e) => h.emails.handleOrderConfirmed(e)),
      onOrderCancelled: eventRoute(events.orderCancelled, (h, e) => h.emails.handleOrderCancelled(e)),
    });
  }
}

import type { EnvelopeOf, EventEnvelope } from '@coursehub/contracts';
import type * as events from '@coursehub/contracts';
import { type CoreEnv, NotFoundError, publicUrlOf, TypedConfigService } from '@coursehub/core';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EMAIL_TEMPLATE_CATEGORIES, EmailTemplateName } from '../email.constants';
import { EmailRecord } from '../data/email-record.schema';
import { EmailRecordsRepository } from '../data/email-records.repository';
import { ErasedUsersRepository } from '../data/erased-users.repository';
import { UserProjectionsRepository } from '../data/user-projections.repository';
import { EmailPreferencesService } from './email-preferences.service';
import type { RenderedEmail } from './email-layout';
import { isTemplateName, renderEmail, sampleOf, TemplateData } from './email-templates';
import { UnsubscribeTokens } from './unsubscribe-tokens';

/** A sample user id for previews: the unsubscribe link of a preview turns off no real user's e-mails. */
const PREVIEW_USER_ID = '00000000-0000-4000-8000-000000000000';

/** Pending e-mails were recorded or resolved: the delivery worker should look now, not at its next poll. */
export type DeliveryKick = () => void;

/** One e-mail an event calls for: the template, the user it is for and the template's data. */
export type EmailRequest = {
  [Name in EmailTemplateName]: { template: Name; userId: string; data: TemplateData[Name] };
}[EmailTemplateName];

/**
 * Records the e-mails platform events call for and keeps the user projection. Sending is the
 * delivery worker's job: recording only inserts, so a slow SMTP relay never holds up the event
 * consumer. Previews render the templates as recording does. The erasure and export of a user's
 * e-mails are PersonalEmailDataService's, the admin queries EmailLogService's.
 */
@Injectable()
export class EmailsService implements OnModuleInit {
  private readonly logger = new Logger(EmailsService.name);
  private kickDelivery: DeliveryKick = () => undefined;

  private readonly publicUrl: string;

  constructor(
    private readonly emails: EmailRecordsRepository,
    private readonly users: UserProjectionsRepository,
    private readonly erasedUsers: ErasedUsersRepository,
    private readonly preferences: EmailPreferencesService,
    private readonly unsubscribeTokens: UnsubscribeTokens,
    @Inject(ConfigService) env: TypedConfigService<CoreEnv>,
  ) {
    this.publicUrl = publicUrlOf({
      PUBLIC_URL: env.get('PUBLIC_URL', { infer: true }),
      PORT: env.get('PORT', { infer: true }),
    });
  }

  /** Builds the indexes before the first event is consumed (the unique eventId is what makes redelivery harmless). */
  async onModuleInit(): Promise<void> {
    await Promise.all([
      this.emails.createIndexes(),
      this.users.createIndexes(),
      this.erasedUsers.createIndexes(),
    ]);
  }

  /** The delivery worker registers itself here (it depends on this service, not the other way round). */
  onRecorded(kick: DeliveryKick): void {
    this.kickDelivery = kick;
  }

  /** Tells the delivery worker that e-mails became due (recorded, resolved or re-queued). */
  requestDelivery(): void {
    this.kickDelivery();
  }

  /** `user.registered`: store the projection, record the welcome e-mail, release e-mails waiting for the user. */
  async handleUserRegistered(envelope: EnvelopeOf<typeof events.userRegistered>): Promise<void> {
    const { userId, email, displayName } = envelope.data;
    if (await this.ignoredAsErased(envelope, userId)) return;
    await this.saveProjection(envelope, { userId, email, displayName }, 'registration');
    await this.record(envelope, { template: 'welcome', userId, data: {} }, { email, displayName });
    await this.resolveWaitingFor(userId);
  }

  /**
   * `user.updated`: the profile as it is now overwrites the projection, unless the projection was
   * written from an event that happened later (events of one user may arrive out of order).
   */
  async handleUserUpdated(envelope: EnvelopeOf<typeof events.userUpdated>): Promise<void> {
    const { userId, email, displayName } = envelope.data;
    if (await this.ignoredAsErased(envelope, userId)) return;
    if (!(await this.saveProjection(envelope, { userId, email, displayName }, 'update'))) {
      this.logger.log(
        { userId, eventId: envelope.id },
        'Older user.updated ignored: the projection is newer',
      );
      return;
    }
    await this.resolveWaitingFor(userId);
  }

  /** `user.email-verification-requested`: the link goes to the address in the event (the new one of a change). */
  async handleEmailVerificationRequested(
    envelope: EnvelopeOf<typeof events.emailVerificationRequested>,
  ): Promise<void> {
    const { userId, email, displayName, verificationUrl, expiresAt, purpose } = envelope.data;
    if (await this.ignoredAsErased(envelope, userId)) return;
    const data = { email, verificationUrl, expiresAt, purpose };
    await this.record(envelope, { template: 'verify-email', userId, data }, { email, displayName });
  }

  async handlePasswordResetRequested(
    envelope: EnvelopeOf<typeof events.passwordResetRequested>,
  ): Promise<void> {
    const { userId, email, displayName, resetUrl, expiresAt } = envelope.data;
    if (await this.ignoredAsErased(envelope, userId)) return;
    const data = { resetUrl, expiresAt };
    await this.record(envelope, { template: 'password-reset', userId, data }, { email, displayName });
  }

  /** `user.security-notice`: to the address in the event (the old one for `email-changed`). */
  async handleSecurityNotice(envelope: EnvelopeOf<typeof events.accountSecurityNotice>): Promise<void> {
    const { userId, email, displayName, notice, occurredAt } = envelope.data;
    if (await this.ignoredAsErased(envelope, userId)) return;
    const data = { notice, occurredAt };
    await this.record(envelope, { template: 'security-notice', userId, data }, { email, displayName });
  }

  /** `course.completed`: congratulations with the public certificate link. */
  async handleCourseCompleted(envelope: EnvelopeOf<typeof events.courseCompleted>): Promise<void> {
    const { userId, courseId, courseTitle, certificateId, completedAt } = envelope.data;
    const certificateUrl = `${this.publicUrl}/certificates/${encodeURIComponent(certificateId)}`;
    const data = { courseId, courseTitle, certificateId, certificateUrl, completedAt };
    await this.recordForUser(envelope, { template: 'course-completed', userId, data });
  }

  async handleOrderConfirmed(envelope: EnvelopeOf<typeof events.orderConfirmed>): Promise<void> {
    const { orderId, userId, courseTitle, price, currency } = envelope.data;
    const data = { orderId, courseTitle, price, currency };
    await this.recordForUser(envelope, { template: 'order-confirmed', userId, data });
  }

  async handleOrderCancelled(envelope: EnvelopeOf<typeof events.orderCancelled>): Promise<void> {
    const { orderId, userId, courseTitle, reason } = envelope.data;
    const data = { orderId, courseTitle, reason };
    await this.recordForUser(envelope, { template: 'order-cancelled', userId, data });
  }

  /**
   * Renders and addresses the e-mails of `userId` that wait for the user's projection. Called when the
   * projection arrives, after recording a waiting e-mail (the projection may have landed in between),
   * and by the worker's sweep as a safety net.
   */
  async resolveWaitingFor(userId: string): Promise<number> {
    const user = await this.users.findByUserId(userId);
    if (!user) return 0;
    let resolved = 0;
    for (const email of await this.emails.findWaitingFor(userId)) {
      const rendered = renderEmail(
        email.template,
        { displayName: user.displayName, unsubscribeUrl: email.unsubscribeUrl ?? undefined },
        email.data as TemplateData[typeof email.template],
      );
      const addressing = { to: user.email, ...rendered, unsubscribeUrl: email.unsubscribeUrl };
      if (await this.emails.address(email._id, addressing)) resolved += 1;
    }
    if (resolved > 0) {
      this.logger.log({ userId, resolved }, 'Recipient resolved for waiting e-mails');
      this.kickDelivery();
    }
    return resolved;
  }

  /** Users that have e-mails waiting for their projection (oldest first), for the worker's sweep. */
  usersWithWaitingEmails(limit: number): Promise<string[]> {
    return this.emails.usersWithWaitingEmails(limit);
  }

  findByEventId(eventId: string): Promise<EmailRecord | null> {
    return this.emails.findByEventId(eventId);
  }

  /** A template rendered with sample data (`GET /emails/templates/:name/preview`); unknown names are 404. */
  preview(name: string): RenderedEmail & { template: EmailTemplateName } {
    if (!isTemplateName(name)) throw new NotFoundError(`E-mail template ${name} not found`);
    const { recipient, data } = sampleOf(name, this.publicUrl);
    const category = EMAIL_TEMPLATE_CATEGORIES[name];
    const unsubscribeUrl = category
      ? this.unsubscribeTokens.urlFor({ userId: PREVIEW_USER_ID, category })
      : undefined;
    return { template: name, ...renderEmail(name, { ...recipient, unsubscribeUrl }, data) };
  }

  /** Records an e-mail to the user of the projection; without one yet, it waits for it (see resolveWaitingFor). */
  private async recordForUser(envelope: EventEnvelope, request: EmailRequest): Promise<void> {
    const { template, userId } = request;
    if (await this.ignoredAsErased(envelope, userId)) return;
    const user = await this.users.findByUserId(userId);
    const created = await this.record(envelope, request, user ?? undefined);
    if (created && !user) {
      this.logger.log({ userId, eventId: envelope.id, template }, 'E-mail waits for the user projection');
      // The projection may have been stored between the lookup above and the insert.
      await this.resolveWaitingFor(userId);
    }
  }

  /** Writes the projection from the event unless a later event wrote it; true when it did. */
  private saveProjection(
    envelope: EventEnvelope,
    user: { userId: string; email: string; displayName: string },
    from: 'registration' | 'update',
  ): Promise<boolean> {
    return this.users.saveUnlessNewer(
      { ...user, sourceEventId: envelope.id, sourceOccurredAt: new Date(envelope.occurredAt) },
      from,
    );
  }

  /** Events of an erased user arriving late must not recreate what the erasure removed. */
  private async ignoredAsErased(envelope: EventEnvelope, userId: string): Promise<boolean> {
    if (!(await this.erasedUsers.isErased(userId))) return false;
    this.logger.log({ userId, eventId: envelope.id, type: envelope.type }, 'Event of an erased user ignored');
    return true;
  }
  /**
   * Records the e-mail under the event's id; a redelivered event hits the unique index and is a
   * no-op. A non-transactional e-mail gets its one-click unsubscribe link, and is recorded as
   * `suppressed` (never sent) when the user turned its category off.
   */
  async record(
    envelope: EventEnvelope,
    { template, userId, data }: EmailRequest,
    recipient: { email: string; displayName: string } | undefined,
  ): Promise<boolean> {
    const category = EMAIL_TEMPLATE_CATEGORIES[template];
    const suppressed = category !== null && !(await this.preferences.allows(userId, category));
    const unsubscribeUrl = category ? this.unsubscribeTokens.urlFor({ userId, category }) : null;
    const rendered =
      recipient && !suppressed
        ? renderEmail(
            template,
            { displayName: recipient.displayName, unsubscribeUrl: unsubscribeUrl ?? undefined },
            data,
          )
        : undefined;
    const created = await this.emails.insert({
      eventId: envelope.id,
      userId,
      template,
      data,
      status: suppressed ? 'suppressed' : 'pending',
      to: recipient?.email ?? null,
      subject: rendered?.subject ?? null,
      text: rendered?.text ?? null,
      html: rendered?.html ?? null,
      unsubscribeUrl,
      nextAttemptAt: rendered ? new Date() : null,
      correlationId: envelope.correlationId,
    });
    if (!created) {
      this.logger.log(
        { eventId: envelope.id, template },
        'Redelivered event ignored: e-mail already recorded',
      );
      return false;
    }
    if (suppressed) {
      this.logger.log(
        { userId, eventId: envelope.id, template, category },
        'E-mail suppressed by preferences',
      );
      return false;
    }
    if (rendered) this.kickDelivery();
    return true;
  }
}

import type {
  EnvelopeOf,
  EventEnvelope,
  orderCancelled,
  orderConfirmed,
  userRegistered,
} from '@coursehub/contracts';
import { ConflictError, decodeCursor, NotFoundError, Page, pageOf } from '@coursehub/core';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EMAIL_LIST_SORT, EmailTemplateName } from '../email.constants';
import { EmailRecord } from '../data/email-record.schema';
import { EmailFilter, EmailRecordsRepository } from '../data/email-records.repository';
import { UserProjectionsRepository } from '../data/user-projections.repository';
import { renderEmail, TemplateData } from './email-templates';

/** Pending e-mails were recorded or resolved: the delivery worker should look now, not at its next poll. */
export type DeliveryKick = () => void;

/** A page of the admin list: the filters plus the keyset position (`cursor`) and page size. */
export interface EmailListQuery extends EmailFilter {
  cursor?: string;
  limit: number;
}

/**
 * Records the e-mails platform events call for, keeps the user projection, and serves the admin
 * queries. Sending is the delivery worker's job: recording only inserts, so a slow SMTP relay never
 * holds up the event consumer.
 */
@Injectable()
export class EmailsService implements OnModuleInit {
  private readonly logger = new Logger(EmailsService.name);
  private kickDelivery: DeliveryKick = () => undefined;

  constructor(
    private readonly emails: EmailRecordsRepository,
    private readonly users: UserProjectionsRepository,
  ) {}

  /** Builds the indexes before the first event is consumed: the unique eventId is what makes redelivery harmless. */
  async onModuleInit(): Promise<void> {
    await Promise.all([this.emails.createIndexes(), this.users.createIndexes()]);
  }

  /** The delivery worker registers itself here (it depends on this service, not the other way round). */
  onRecorded(kick: DeliveryKick): void {
    this.kickDelivery = kick;
  }

  /** `user.registered`: store the projection, record the welcome e-mail, release e-mails waiting for the user. */
  async handleUserRegistered(envelope: EnvelopeOf<typeof userRegistered>): Promise<void> {
    const { userId, email, displayName } = envelope.data;
    await this.users.save({ userId, email, displayName, sourceEventId: envelope.id });
    await this.record(envelope, 'welcome', userId, {}, { email, displayName });
    await this.resolveWaitingFor(userId);
  }

  async handleOrderConfirmed(envelope: EnvelopeOf<typeof orderConfirmed>): Promise<void> {
    const { orderId, userId, courseTitle, price, currency } = envelope.data;
    await this.recordForUser(envelope, 'order-confirmed', userId, { orderId, courseTitle, price, currency });
  }

  async handleOrderCancelled(envelope: EnvelopeOf<typeof orderCancelled>): Promise<void> {
    const { orderId, userId, courseTitle, reason } = envelope.data;
    await this.recordForUser(envelope, 'order-cancelled', userId, { orderId, courseTitle, reason });
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
      const rendered = renderEmail(email.template, user, email.data as TemplateData[typeof email.template]);
      if (await this.emails.address(email._id, { to: user.email, ...rendered })) resolved += 1;
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

  /** One page of e-mails, newest first; an altered or foreign cursor is an InvalidInputError. */
  async list(query: EmailListQuery): Promise<Page<EmailRecord>> {
    const { cursor, limit, ...filter } = query;
    const after = cursor ? decodeCursor(cursor, EMAIL_LIST_SORT, 'timestamp') : undefined;
    const rows = await this.emails.listNewestFirst(
      filter,
      limit + 1,
      after && { createdAt: new Date(after.key), eventId: after.id },
    );
    return pageOf(
      rows,
      limit,
      (last) => ({ sort: EMAIL_LIST_SORT, key: last.createdAt.toISOString(), id: last.eventId }),
      (row) => row,
    );
  }

  async get(id: string): Promise<EmailRecord> {
    const email = await this.emails.findById(id);
    if (!email) throw new NotFoundError(`E-mail ${id} not found`);
    return email;
  }

  findByEventId(eventId: string): Promise<EmailRecord | null> {
    return this.emails.findByEventId(eventId);
  }

  /** Re-queues a failed e-mail with a fresh attempt budget; any other status is a conflict. */
  async retry(id: string): Promise<EmailRecord> {
    const existing = await this.get(id);
    const requeued = await this.emails.requeueFailed(existing._id);
    if (!requeued) {
      throw new ConflictError(`E-mail ${id} is ${existing.status}, only failed e-mails can be retried`);
    }
    this.logger.log({ emailId: id, eventId: requeued.eventId }, 'Failed e-mail re-queued by an admin');
    this.kickDelivery();
    return requeued;
  }

  /**
   * Re-queues every failed e-mail matching the filter (after an incident, say) with a fresh attempt
   * budget; returns how many. Each keeps its Message-ID, so none becomes a second, different e-mail.
   */
  async retryAllFailed(filter: Omit<EmailFilter, 'status'>): Promise<number> {
    const requeued = await this.emails.requeueAllFailed(filter);
    this.logger.log({ ...filter, requeued }, 'Failed e-mails re-queued by an admin');
    if (requeued > 0) this.kickDelivery();
    return requeued;
  }

  private async recordForUser<Name extends EmailTemplateName>(
    envelope: EventEnvelope,
    template: Name,
    userId: string,
    data: TemplateData[Name],
  ): Promise<void> {
    const user = await this.users.findByUserId(userId);
    const created = await this.record(envelope, template, userId, data, user ?? undefined);
    if (created && !user) {
      this.logger.log({ userId, eventId: envelope.id, template }, 'E-mail waits for the user projection');
      // The projection may have been stored between the lookup above and the insert.
      await this.resolveWaitingFor(userId);
    }
  }

  /** Records the e-mail under the event's id; a redelivered event hits the unique index and is a no-op. */
  private async record<Name extends EmailTemplateName>(
    envelope: EventEnvelope,
    template: Name,
    userId: string,
    data: TemplateData[Name],
    recipient: { email: string; displayName: string } | undefined,
  ): Promise<boolean> {
    const rendered = recipient ? renderEmail(template, recipient, data) : undefined;
    const created = await this.emails.insert({
      eventId: envelope.id,
      userId,
      template,
      data,
      to: recipient?.email ?? null,
      subject: rendered?.subject ?? null,
      text: rendered?.text ?? null,
      html: rendered?.html ?? null,
      nextAttemptAt: recipient ? new Date() : null,
      correlationId: envelope.correlationId,
    });
    if (!created) {
      this.logger.log(
        { eventId: envelope.id, template },
        'Redelivered event ignored: e-mail already recorded',
      );
      return false;
    }
    if (recipient) this.kickDelivery();
    return true;
  }
}

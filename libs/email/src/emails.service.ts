import type {
  EventData,
  EventEnvelope,
  orderCancelled,
  orderConfirmed,
  userRegistered,
} from '@coursehub/contracts';
import { ConflictException, Injectable, Logger, NotFoundException, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model, QueryFilter } from 'mongoose';
import { EMAIL_CONNECTION } from './email.constants';
import { EmailRecord, EmailStatus, EmailTemplateName, UserProjection } from './schemas';
import { renderEmail, TemplateData } from './templates';

/** Pending e-mails were recorded or resolved: the delivery worker should look now, not at its next poll. */
export type DeliveryKick = () => void;

export interface EmailQuery {
  status?: EmailStatus;
  recipient?: string;
  template?: EmailTemplateName;
  createdFrom?: Date;
  createdTo?: Date;
  page: number;
  pageSize: number;
}

export interface EmailPage {
  items: EmailRecord[];
  total: number;
  page: number;
  pageSize: number;
}

const DUPLICATE_KEY = 11000;

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === DUPLICATE_KEY;
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
    @InjectModel(EmailRecord.name, EMAIL_CONNECTION) private readonly emails: Model<EmailRecord>,
    @InjectModel(UserProjection.name, EMAIL_CONNECTION) private readonly users: Model<UserProjection>,
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
  async handleUserRegistered(envelope: EventEnvelope<EventData<typeof userRegistered>>): Promise<void> {
    const { userId, email, displayName } = envelope.data;
    await this.users.updateOne(
      { userId },
      { $set: { email, displayName, sourceEventId: envelope.id } },
      { upsert: true },
    );
    await this.record(envelope, 'welcome', userId, {}, { email, displayName });
    await this.resolveWaitingFor(userId);
  }

  async handleOrderConfirmed(envelope: EventEnvelope<EventData<typeof orderConfirmed>>): Promise<void> {
    const { orderId, userId, courseTitle, price, currency } = envelope.data;
    await this.recordForUser(envelope, 'order-confirmed', userId, { orderId, courseTitle, price, currency });
  }

  async handleOrderCancelled(envelope: EventEnvelope<EventData<typeof orderCancelled>>): Promise<void> {
    const { orderId, userId, courseTitle, reason } = envelope.data;
    await this.recordForUser(envelope, 'order-cancelled', userId, { orderId, courseTitle, reason });
  }

  /**
   * Renders and addresses the e-mails of `userId` that wait for the user's projection. Called when the
   * projection arrives, after recording a waiting e-mail (the projection may have landed in between),
   * and by the worker's sweep as a safety net.
   */
  async resolveWaitingFor(userId: string): Promise<number> {
    const user = await this.users.findOne({ userId }).lean();
    if (!user) return 0;
    const waiting = await this.emails.find({ userId, to: null, status: 'pending' }).lean();
    let resolved = 0;
    for (const email of waiting) {
      const rendered = renderEmail(email.template, user, email.data as TemplateData[typeof email.template]);
      const result = await this.emails.updateOne(
        { _id: email._id, to: null },
        { $set: { to: user.email, ...rendered, nextAttemptAt: new Date() } },
      );
      resolved += result.modifiedCount;
    }
    if (resolved > 0) {
      this.logger.log({ userId, resolved }, 'Recipient resolved for waiting e-mails');
      this.kickDelivery();
    }
    return resolved;
  }

  /** Users that have e-mails waiting for their projection (oldest first), for the worker's sweep. */
  async usersWithWaitingEmails(limit: number): Promise<string[]> {
    const waiting = await this.emails
      .find({ to: null, status: 'pending' }, { userId: 1 })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean();
    return [...new Set(waiting.map((email) => email.userId))];
  }

  async list(query: EmailQuery): Promise<EmailPage> {
    const filter: QueryFilter<EmailRecord> = {};
    if (query.status) filter.status = query.status;
    if (query.recipient) filter.to = query.recipient;
    if (query.template) filter.template = query.template;
    if (query.createdFrom || query.createdTo) {
      filter.createdAt = {
        ...(query.createdFrom ? { $gte: query.createdFrom } : {}),
        ...(query.createdTo ? { $lt: query.createdTo } : {}),
      };
    }
    const [items, total] = await Promise.all([
      this.emails
        .find(filter)
        .sort({ createdAt: -1, _id: -1 })
        .skip((query.page - 1) * query.pageSize)
        .limit(query.pageSize)
        .lean(),
      this.emails.countDocuments(filter),
    ]);
    return { items, total, page: query.page, pageSize: query.pageSize };
  }

  async get(id: string): Promise<EmailRecord> {
    const email = isValidObjectId(id) ? await this.emails.findById(id).lean() : null;
    if (!email) throw new NotFoundException(`E-mail ${id} not found`);
    return email;
  }

  async findByEventId(eventId: string): Promise<EmailRecord | null> {
    return this.emails.findOne({ eventId }).lean();
  }

  /** Re-queues a failed e-mail with a fresh attempt budget; anything else is a 409. */
  async retry(id: string): Promise<EmailRecord> {
    const existing = await this.get(id);
    const requeued = await this.emails
      .findOneAndUpdate(
        { _id: existing._id, status: 'failed' },
        {
          $set: {
            status: 'pending',
            attempts: 0,
            nextAttemptAt: new Date(),
            leaseOwner: null,
            leaseExpiresAt: null,
          },
        },
        { returnDocument: 'after' },
      )
      .lean();
    if (!requeued)
      throw new ConflictException(`E-mail ${id} is ${existing.status}, only failed e-mails can be retried`);
    this.logger.log({ emailId: id, eventId: requeued.eventId }, 'Failed e-mail re-queued by an admin');
    this.kickDelivery();
    return requeued;
  }

  private async recordForUser<Name extends EmailTemplateName>(
    envelope: EventEnvelope,
    template: Name,
    userId: string,
    data: TemplateData[Name],
  ): Promise<void> {
    const user = await this.users.findOne({ userId }).lean();
    const created = await this.record(envelope, template, userId, data, user ?? undefined);
    if (created && !user) {
      this.logger.log({ userId, eventId: envelope.id, template }, 'E-mail waits for the user projection');
      // The projection may have been stored between the lookup above and the insert.
      await this.resolveWaitingFor(userId);
    }
  }

  /** Inserts the e-mail under the event's id; a redelivered event hits the unique index and is a no-op. */
  private async record<Name extends EmailTemplateName>(
    envelope: EventEnvelope,
    template: Name,
    userId: string,
    data: TemplateData[Name],
    recipient: { email: string; displayName: string } | undefined,
  ): Promise<boolean> {
    const rendered = recipient ? renderEmail(template, recipient, data) : undefined;
    try {
      await this.emails.create({
        eventId: envelope.id,
        userId,
        template,
        data,
        to: recipient?.email ?? null,
        subject: rendered?.subject ?? null,
        text: rendered?.text ?? null,
        html: rendered?.html ?? null,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: recipient ? new Date() : null,
        correlationId: envelope.correlationId,
      });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
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

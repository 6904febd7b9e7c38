import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model, QueryFilter, Types } from 'mongoose';
import { EMAIL_CONNECTION, EmailStatus, EmailTemplateName } from '../email.constants';
import { isDuplicateKey } from './duplicate-key';
import { EmailRecord } from './email-record.schema';

/** What recording an e-mail writes; the rest of the record starts at its schema defaults. */
export type NewEmailRecord = Pick<
  EmailRecord,
  | 'eventId'
  | 'userId'
  | 'template'
  | 'data'
  | 'to'
  | 'subject'
  | 'text'
  | 'html'
  | 'unsubscribeUrl'
  | 'nextAttemptAt'
  | 'correlationId'
> & {
  /** `suppressed` records an e-mail the recipient's preferences turned off (never sent). */
  status: 'pending' | 'suppressed';
};

/** The rendered parts an e-mail gets once its recipient is known. */
export interface EmailAddressing {
  to: string;
  subject: string;
  text: string;
  html: string;
  unsubscribeUrl: string | null;
}

/** The admin list's filters (all optional, combined with AND). */
export interface EmailFilter {
  status?: EmailStatus;
  recipient?: string;
  template?: EmailTemplateName;
  createdFrom?: Date;
  createdTo?: Date;
}

/** Where the previous page of the admin list ended (its last record's sort key). */
export interface EmailListPosition {
  createdAt: Date;
  eventId: string;
}

/** A claimed e-mail always has its recipient and rendered parts (the claim filter requires `to`). */
export type ClaimedEmail = EmailRecord & { to: string; subject: string; text: string; html: string };

/** The outcome of a failed delivery attempt, written when the worker settles its claim. */
export type DeliveryOutcome = Pick<EmailRecord, 'lastError' | 'nextAttemptAt'> & {
  status: 'pending' | 'failed';
  recipientDeferrals?: number;
};

/** Every query of the `emails` collection. */
@Injectable()
export class EmailRecordsRepository {
  constructor(@InjectModel(EmailRecord.name, EMAIL_CONNECTION) private readonly emails: Model<EmailRecord>) {}

  /** Builds the declared indexes (autoIndex is off); the unique eventId makes redelivery harmless. */
  async createIndexes(): Promise<void> {
    await this.emails.createIndexes();
  }

  /** Throws when MongoDB does not answer a ping (readiness). */
  async ping(): Promise<void> {
    const db = this.emails.db.db;
    if (!db) throw new Error('MongoDB connection is not open');
    await db.admin().ping();
  }

  /** Inserts the e-mail; false when one with the same event id exists (a redelivered event). */
  async insert(email: NewEmailRecord): Promise<boolean> {
    try {
      await this.emails.create({ ...email, attempts: 0 });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** The e-mail with this id; null also for a string that is no ObjectId at all. */
  async findById(id: string): Promise<EmailRecord | null> {
    return isValidObjectId(id) ? this.emails.findById(id).lean() : null;
  }

  async findByEventId(eventId: string): Promise<EmailRecord | null> {
    return this.emails.findOne({ eventId }).lean();
  }

  /** Pending e-mails of the user that still wait for the recipient's address. */
  async findWaitingFor(userId: string): Promise<EmailRecord[]> {
    return this.emails.find({ userId, to: null, status: 'pending' }).lean();
  }

  /** Addresses a waiting e-mail and makes it due now; false when someone else addressed it first. */
  async address(id: Types.ObjectId, addressing: EmailAddressing): Promise<boolean> {
    const result = await this.emails.updateOne(
      { _id: id, to: null },
      { $set: { ...addressing, nextAttemptAt: new Date() } },
    );
    return result.modifiedCount > 0;
  }

  /** Distinct users with e-mails waiting for their address, oldest e-mail first. */
  async usersWithWaitingEmails(limit: number): Promise<string[]> {
    const waiting = await this.emails
      .find({ to: null, status: 'pending' }, { userId: 1 })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean();
    return [...new Set(waiting.map((email) => email.userId))];
  }

  /** Every e-mail of the user, oldest first (the personal data export). */
  async findAllOfUser(userId: string): Promise<EmailRecord[]> {
    return this.emails.find({ userId }).sort({ createdAt: 1, eventId: 1 }).lean();
  }

  /** Erasure: deletes every e-mail of the user except the one of `keepEventId`; returns how many. */
  async deleteAllOfUser(userId: string, keepEventId: string): Promise<number> {
    const result = await this.emails.deleteMany({ userId, eventId: { $ne: keepEventId } });
    return result.deletedCount;
  }

  /** Deletes a sent e-mail (the account deletion notice once the relay accepted it). */
  async deleteSent(id: Types.ObjectId): Promise<boolean> {
    const result = await this.emails.deleteOne({ _id: id, status: 'sent' });
    return result.deletedCount > 0;
  }

  /**
   * Replaces the rendered parts and data of a sent e-mail (the one-time link of a verification or
   * reset e-mail is removed once it is delivered, so the log never hands it to a reader).
   */
  async redactSent(id: Types.ObjectId, redacted: Pick<EmailRecord, 'data' | 'text' | 'html'>): Promise<void> {
    await this.emails.updateOne({ _id: id, status: 'sent' }, { $set: redacted });
  }

  /** Up to `limit` e-mails matching the filter, newest first (ties by event id), after `position`. */
  async listNewestFirst(
    filter: EmailFilter,
    limit: number,
    position?: EmailListPosition,
  ): Promise<EmailRecord[]> {
    const conditions = conditionsOf(filter);
    if (position) {
      conditions.push({
        $or: [
          { createdAt: { $lt: position.createdAt } },
          { createdAt: position.createdAt, eventId: { $lt: position.eventId } },
        ],
      });
    }
    return this.emails
      .find(conditions.length > 0 ? { $and: conditions } : {})
      .sort({ createdAt: -1, eventId: -1 })
      .limit(limit)
      .lean();
  }

  /** Puts a failed e-mail back in the queue with a fresh attempt budget; null when it is not failed. */
  async requeueFailed(id: Types.ObjectId): Promise<EmailRecord | null> {
    return this.emails
      .findOneAndUpdate({ _id: id, status: 'failed' }, { $set: requeued() }, { returnDocument: 'after' })
      .lean();
  }

  /** Puts every failed e-mail matching the filter back in the queue; returns how many. */
  async requeueAllFailed(filter: Omit<EmailFilter, 'status'>): Promise<number> {
    const result = await this.emails.updateMany(
      { $and: [{ status: 'failed' }, ...conditionsOf(filter)] },
      { $set: requeued() },
    );
    return result.modifiedCount;
  }

  /**
   * Claims the most overdue e-mail with one findOneAndUpdate: a due, addressed `pending` one, or a
   * `sending` one whose lease expired (its worker died or could not record the send). The claim
   * moves it to `sending` with this worker's lease and counts the attempt BEFORE anything goes to
   * the relay, so two replicas never send it at once.
   */
  async claimNextDue(workerId: string, leaseMs: number): Promise<ClaimedEmail | null> {
    const now = new Date();
    const claimed = await this.emails
      .findOneAndUpdate(
        {
          $or: [
            { status: 'pending', to: { $ne: null }, nextAttemptAt: { $lte: now } },
            { status: 'sending' },
          ],
          // No lease, or an expired one (also guards pending e-mails leased by an older version).
          leaseExpiresAt: { $not: { $gt: now } },
        },
        {
          $set: {
            status: 'sending',
            leaseOwner: workerId,
            leaseExpiresAt: new Date(now.getTime() + leaseMs),
          },
          $inc: { attempts: 1 },
        },
        { sort: { nextAttemptAt: 1 }, returnDocument: 'after', timestamps: false },
      )
      .lean();
    return claimed as ClaimedEmail | null;
  }

  /**
   * Records that the relay accepted the e-mail. Not tied to the lease: the relay's acceptance is a
   * fact, even when the lease expired meanwhile and another worker re-sent (the same Message-ID).
   */
  async markSent(id: Types.ObjectId, sent: { sentAt: Date; messageId: string }): Promise<void> {
    await this.emails.updateOne(
      { _id: id, status: { $ne: 'sent' } },
      {
        $set: {
          status: 'sent',
          sentAt: sent.sentAt,
          providerMessageId: sent.messageId,
          nextAttemptAt: null,
          leaseOwner: null,
          leaseExpiresAt: null,
        },
      },
    );
  }

  /** Writes a failed attempt's outcome and releases the lease, only while `workerId` still holds it. */
  async settle(id: Types.ObjectId, workerId: string, outcome: DeliveryOutcome): Promise<void> {
    await this.emails.updateOne(
      { _id: id, status: 'sending', leaseOwner: workerId },
      { $set: { ...outcome, leaseOwner: null, leaseExpiresAt: null } },
    );
  }
}

/** The fields that put an e-mail back in the queue, due now, with a fresh attempt budget. */
function requeued(): Partial<EmailRecord> {
  return {
    status: 'pending',
    attempts: 0,
    recipientDeferrals: 0,
    nextAttemptAt: new Date(),
    leaseOwner: null,
    leaseExpiresAt: null,
  };
}

/** The admin filters as MongoDB conditions (combined with AND by the caller). */
function conditionsOf(filter: EmailFilter): QueryFilter<EmailRecord>[] {
  const conditions: QueryFilter<EmailRecord>[] = [];
  if (filter.status) conditions.push({ status: filter.status });
  if (filter.recipient) conditions.push({ to: filter.recipient });
  if (filter.template) conditions.push({ template: filter.template });
  if (filter.createdFrom) conditions.push({ createdAt: { $gte: filter.createdFrom } });
  if (filter.createdTo) conditions.push({ createdAt: { $lt: filter.createdTo } });
  return conditions;
}

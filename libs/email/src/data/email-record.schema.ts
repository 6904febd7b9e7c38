import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';
import { EMAIL_STATUSES, EMAIL_TEMPLATES, EmailStatus, EmailTemplateName } from '../email.constants';

/** An optional field: null until set (stored as null, so queries can match on it). */
const NullableProp = (type: StringConstructor | DateConstructor): PropertyDecorator =>
  Prop({ type, default: null });

/**
 * One e-mail the platform sends, from the event that caused it to the SMTP relay's answer.
 * `to` is null while the recipient's user projection has not arrived yet (an order event can
 * overtake the `user.registered` of the same user); such an e-mail waits, it is never dropped.
 */
@Schema({ collection: 'emails', timestamps: { createdAt: true, updatedAt: 'updatedAt' }, versionKey: false })
export class EmailRecord {
  _id!: Types.ObjectId;

  /** Id of the event that caused the e-mail: unique, so a redelivered event never sends twice. */
  @Prop({ type: String, required: true, unique: true })
  eventId!: string;

  @Prop({ type: String, required: true })
  userId!: string;

  @NullableProp(String)
  to!: string | null;

  @Prop({ type: String, required: true, enum: EMAIL_TEMPLATES })
  template!: EmailTemplateName;

  /** What the template needs besides the recipient (course title, price, …), kept to render late. */
  @Prop({ type: Object, required: true })
  data!: Record<string, unknown>;

  /** Null until the recipient is known and the template rendered. */
  @NullableProp(String)
  subject!: string | null;

  @NullableProp(String)
  text!: string | null;

  @NullableProp(String)
  html!: string | null;

  /**
   * The one-click unsubscribe link of a non-transactional e-mail (null for transactional ones):
   * the delivery worker sends it as List-Unsubscribe with List-Unsubscribe-Post (RFC 8058).
   */
  @NullableProp(String)
  unsubscribeUrl!: string | null;

  @Prop({ type: String, required: true, enum: EMAIL_STATUSES, default: 'pending' })
  status!: EmailStatus;

  /** SMTP attempts so far, whatever their outcome (a re-send after an expired lease counts too). */
  @Prop({ type: Number, required: true, default: 0 })
  attempts!: number;

  /** 4xx replies to RCPT TO for this address so far: what EMAIL_MAX_ATTEMPTS bounds. */
  @Prop({ type: Number, default: 0 })
  recipientDeferrals!: number;

  @NullableProp(String)
  lastError!: string | null;

  /** The Message-ID the relay accepted; derived from the event id, so the same on every re-send. */
  @NullableProp(String)
  providerMessageId!: string | null;

  /** When a worker may (re)try; null while the recipient is unresolved and once sent or failed. */
  @NullableProp(Date)
  nextAttemptAt!: Date | null;

  /**
   * The worker sending the e-mail and until when, written before the SMTP call: a claim of a crashed
   * replica (or one that could not record the send) expires by itself and the e-mail is sent again.
   */
  @NullableProp(String)
  leaseOwner!: string | null;

  @NullableProp(Date)
  leaseExpiresAt!: Date | null;

  @NullableProp(String)
  correlationId!: string | null;

  createdAt!: Date;
  updatedAt!: Date;

  @NullableProp(Date)
  sentAt!: Date | null;
}

export type EmailRecordDocument = HydratedDocument<EmailRecord>;

export const EmailRecordSchema = SchemaFactory.createForClass(EmailRecord);
// The delivery worker's claim: due `pending` and (few) `sending` e-mails, both in nextAttemptAt order.
EmailRecordSchema.index({ status: 1, nextAttemptAt: 1 });
// Waiting e-mails of a user whose projection just arrived.
EmailRecordSchema.index({ userId: 1, to: 1 });
// Admin queries: newest first (ties by event id, the list's keyset), by status, recipient or template.
EmailRecordSchema.index({ createdAt: -1, eventId: -1 });
EmailRecordSchema.index({ status: 1, createdAt: -1 });
EmailRecordSchema.index({ to: 1, createdAt: -1 });
EmailRecordSchema.index({ template: 1, createdAt: -1 });

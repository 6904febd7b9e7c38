import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';

export const EMAIL_STATUSES = ['pending', 'sent', 'failed'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

export const EMAIL_TEMPLATES = ['welcome', 'order-confirmed', 'order-cancelled'] as const;
export type EmailTemplateName = (typeof EMAIL_TEMPLATES)[number];

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

  @Prop({ type: String, default: null })
  to!: string | null;

  @Prop({ type: String, required: true, enum: EMAIL_TEMPLATES })
  template!: EmailTemplateName;

  /** What the template needs besides the recipient (course title, price, …), kept to render late. */
  @Prop({ type: Object, required: true })
  data!: Record<string, unknown>;

  /** Null until the recipient is known and the template rendered. */
  @Prop({ type: String, default: null })
  subject!: string | null;

  @Prop({ type: String, default: null })
  text!: string | null;

  @Prop({ type: String, default: null })
  html!: string | null;

  @Prop({ type: String, required: true, enum: EMAIL_STATUSES, default: 'pending' })
  status!: EmailStatus;

  @Prop({ type: Number, required: true, default: 0 })
  attempts!: number;

  @Prop({ type: String, default: null })
  lastError!: string | null;

  @Prop({ type: String, default: null })
  providerMessageId!: string | null;

  /** When a worker may (re)try; null while the recipient is unresolved and once sent or failed. */
  @Prop({ type: Date, default: null })
  nextAttemptAt!: Date | null;

  /** The worker holding the e-mail and until when: a claim of a crashed replica expires by itself. */
  @Prop({ type: String, default: null })
  leaseOwner!: string | null;

  @Prop({ type: Date, default: null })
  leaseExpiresAt!: Date | null;

  @Prop({ type: String, default: null })
  correlationId!: string | null;

  createdAt!: Date;
  updatedAt!: Date;

  @Prop({ type: Date, default: null })
  sentAt!: Date | null;
}

export type EmailRecordDocument = HydratedDocument<EmailRecord>;

export const EmailRecordSchema = SchemaFactory.createForClass(EmailRecord);
// The delivery worker's claim: due pending e-mails, oldest first.
EmailRecordSchema.index({ status: 1, nextAttemptAt: 1 });
// Waiting e-mails of a user whose projection just arrived.
EmailRecordSchema.index({ userId: 1, to: 1 });
// Admin queries: newest first, by status, recipient or template.
EmailRecordSchema.index({ createdAt: -1 });
EmailRecordSchema.index({ status: 1, createdAt: -1 });
EmailRecordSchema.index({ to: 1, createdAt: -1 });
EmailRecordSchema.index({ template: 1, createdAt: -1 });

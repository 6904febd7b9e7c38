import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

/**
 * A user the e-mail service erased (`user.deleted`). It holds no personal data, only the id auth
 * gave the account that no longer exists: it makes the erasure idempotent (a redelivered
 * `user.deleted` sends no second notice) and lets late events of the deleted account (a
 * `user.registered` or order event delivered after the deletion) be dropped instead of
 * recreating what was erased.
 */
@Schema({
  collection: 'email_erased_users',
  timestamps: { createdAt: true, updatedAt: false },
  versionKey: false,
})
export class ErasedUser {
  @Prop({ type: String, required: true, unique: true })
  userId!: string;

  /** The `user.deleted` event; its id is also the event id of the deletion notice. */
  @Prop({ type: String, required: true })
  eventId!: string;

  @Prop({ type: Date, required: true })
  deletedAt!: Date;

  /** The deletion notice was recorded (or there was no address to send it to). */
  @Prop({ type: Boolean, required: true, default: false })
  noticeHandled!: boolean;

  createdAt!: Date;
}

export type ErasedUserDocument = HydratedDocument<ErasedUser>;

export const ErasedUserSchema = SchemaFactory.createForClass(ErasedUser);

import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

/**
 * What the e-mail service knows of a user, built from `user.registered` and `user.updated` (auth
 * owns the user); deleted on `user.deleted`.
 */
@Schema({ collection: 'email_users', timestamps: true, versionKey: false })
export class UserProjection {
  @Prop({ type: String, required: true, unique: true })
  userId!: string;

  @Prop({ type: String, required: true })
  email!: string;

  @Prop({ type: String, required: true })
  displayName!: string;

  /** The event the projection was last written from. */
  @Prop({ type: String, required: true })
  sourceEventId!: string;

  /**
   * When that event happened (its envelope's occurredAt): an event that happened earlier never
   * overwrites the projection, whatever order the transport delivers them in. Null on projections
   * written before it was recorded (any event overwrites those).
   */
  @Prop({ type: Date, default: null })
  sourceOccurredAt!: Date | null;

  createdAt!: Date;
  updatedAt!: Date;
}

export type UserProjectionDocument = HydratedDocument<UserProjection>;

export const UserProjectionSchema = SchemaFactory.createForClass(UserProjection);

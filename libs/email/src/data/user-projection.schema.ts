import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

/** What the e-mail service knows of a user, built from `user.registered` (auth owns the user). */
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

  createdAt!: Date;
  updatedAt!: Date;
}

export type UserProjectionDocument = HydratedDocument<UserProjection>;

export const UserProjectionSchema = SchemaFactory.createForClass(UserProjection);

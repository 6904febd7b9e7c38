import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

/**
 * Which non-transactional e-mails a user wants (see EMAIL_CATEGORIES). A user without a document
 * gets every category: the defaults live in EmailPreferencesService, not here.
 */
@Schema({ collection: 'email_preferences', timestamps: true, versionKey: false })
export class EmailPreference {
  @Prop({ type: String, required: true, unique: true })
  userId!: string;

  @Prop({ type: Boolean, required: true })
  courseUpdates!: boolean;

  @Prop({ type: Boolean, required: true })
  recommendations!: boolean;

  createdAt!: Date;
  updatedAt!: Date;
}

export type EmailPreferenceDocument = HydratedDocument<EmailPreference>;

export const EmailPreferenceSchema = SchemaFactory.createForClass(EmailPreference);

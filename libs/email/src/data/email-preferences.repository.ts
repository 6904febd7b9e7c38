import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { EMAIL_CONNECTION, EmailCategory } from '../email.constants';
import { retryingUpsertRace } from './duplicate-key';
import { EmailPreference } from './email-preference.schema';

/** The stored switches of one user. */
export type EmailCategorySwitches = Pick<EmailPreference, EmailCategory>;

/** Every query of the `email_preferences` collection. */
@Injectable()
export class EmailPreferencesRepository {
  constructor(
    @InjectModel(EmailPreference.name, EMAIL_CONNECTION)
    private readonly preferences: Model<EmailPreference>,
  ) {}

  async createIndexes(): Promise<void> {
    await this.preferences.createIndexes();
  }

  async findByUserId(userId: string): Promise<EmailPreference | null> {
    return this.preferences.findOne({ userId }).lean();
  }

  /** Creates or overwrites the user's switches. */
  async save(userId: string, switches: EmailCategorySwitches): Promise<EmailPreference> {
    return retryingUpsertRace(() =>
      this.preferences
        .findOneAndUpdate({ userId }, { $set: switches }, { upsert: true, returnDocument: 'after' })
        .lean()
        .exec(),
    );
  }

  /**
   * Turns one category off and leaves the other as it is (on, for a user who never chose):
   * `defaults` are what a first document starts from.
   */
  async turnOff(userId: string, category: EmailCategory, defaults: EmailCategorySwitches): Promise<void> {
    const untouched = Object.fromEntries(
      Object.entries(defaults).filter(([name]) => name !== category),
    ) as Partial<EmailCategorySwitches>;
    await retryingUpsertRace(() =>
      this.preferences
        .updateOne({ userId }, { $set: { [category]: false }, $setOnInsert: untouched }, { upsert: true })
        .exec(),
    );
  }

  /** Forgets the user's switches (erasure). */
  async delete(userId: string): Promise<void> {
    await this.preferences.deleteOne({ userId });
  }
}

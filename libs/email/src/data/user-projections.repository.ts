import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { EMAIL_CONNECTION } from '../email.constants';
import { isDuplicateKey } from './duplicate-key';
import { UserProjection } from './user-projection.schema';

/** Every query of the `email_users` collection (what the feature knows of each user). */
@Injectable()
export class UserProjectionsRepository {
  constructor(
    @InjectModel(UserProjection.name, EMAIL_CONNECTION) private readonly users: Model<UserProjection>,
  ) {}

  async createIndexes(): Promise<void> {
    await this.users.createIndexes();
  }

  /**
   * Creates the projection of the user, or overwrites it unless it was written from an event that
   * happened later (`sourceOccurredAt`); true when this event's fields are now the projection.
   * A registration never overwrites: an account exists before it is updated, so whatever is stored
   * is at least as new (decided even when both events carry the same millisecond).
   * Update-then-insert rather than an upsert, so that a newer projection is never replaced: the
   * insert of a user that appeared meanwhile hits the unique userId and the update is tried again.
   */
  async saveUnlessNewer(
    user: Pick<UserProjection, 'userId' | 'email' | 'displayName' | 'sourceEventId'> & {
      sourceOccurredAt: Date;
    },
    from: 'registration' | 'update',
  ): Promise<boolean> {
    const { userId, ...fields } = user;
    const overwrite = async () =>
      from === 'update' &&
      (
        await this.users.updateOne(
          { userId, sourceOccurredAt: { $not: { $gt: fields.sourceOccurredAt } } },
          { $set: fields },
        )
      ).matchedCount > 0;
    if (await overwrite()) return true;
    try {
      await this.users.create(user);
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return overwrite();
    }
  }

  /** Forgets the user (erasure). */
  async delete(userId: string): Promise<void> {
    await this.users.deleteOne({ userId });
  }

  async findByUserId(userId: string): Promise<UserProjection | null> {
    return this.users.findOne({ userId }).lean();
  }
}

import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { EMAIL_CONNECTION } from '../email.constants';
import { retryingUpsertRace } from './duplicate-key';
import { ErasedUser } from './erased-user.schema';

/** Every query of the `email_erased_users` collection (ids of erased accounts, nothing personal). */
@Injectable()
export class ErasedUsersRepository {
  constructor(@InjectModel(ErasedUser.name, EMAIL_CONNECTION) private readonly erased: Model<ErasedUser>) {}

  async createIndexes(): Promise<void> {
    await this.erased.createIndexes();
  }

  /** Records the erasure (the first `user.deleted` wins) and returns the record as stored. */
  async begin(erasure: Pick<ErasedUser, 'userId' | 'eventId' | 'deletedAt'>): Promise<ErasedUser> {
    return retryingUpsertRace(() =>
      this.erased
        .findOneAndUpdate(
          { userId: erasure.userId },
          { $setOnInsert: { ...erasure, noticeHandled: false } },
          { upsert: true, returnDocument: 'after' },
        )
        .lean()
        .exec(),
    );
  }

  async markNoticeHandled(userId: string): Promise<void> {
    await this.erased.updateOne({ userId }, { $set: { noticeHandled: true } });
  }

  async isErased(userId: string): Promise<boolean> {
    return (await this.erased.exists({ userId })) !== null;
  }
}

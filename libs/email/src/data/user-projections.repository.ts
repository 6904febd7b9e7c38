import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { EMAIL_CONNECTION } from '../email.constants';
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

  /** Creates or overwrites the projection of the user from the event that carried it. */
  async save(
    user: Pick<UserProjection, 'userId' | 'email' | 'displayName' | 'sourceEventId'>,
  ): Promise<void> {
    const { userId, ...fields } = user;
    await this.users.updateOne({ userId }, { $set: fields }, { upsert: true });
  }

  async findByUserId(userId: string): Promise<UserProjection | null> {
    return this.users.findOne({ userId }).lean();
  }
}

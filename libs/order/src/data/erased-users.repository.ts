import { FeatureTransactions, InjectFeatureTransactions } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { ORDER_FEATURE } from '../order.constants';
import { ErasedUserEntity } from './erased-user.entity';

/** The deleted accounts the order feature knows of; joins the current transaction when there is one. */
@Injectable()
export class ErasedUsersRepository {
  constructor(@InjectFeatureTransactions(ORDER_FEATURE) private readonly transactions: FeatureTransactions) {}

  /** Records the erasure; false when it was recorded before. */
  async markErased(userId: string, at: Date): Promise<boolean> {
    const inserted = await this.transactions.tx
      .createQueryBuilder()
      .insert()
      .into(ErasedUserEntity)
      .values({ userId, erasedAt: at })
      .orIgnore()
      .returning('user_id')
      .execute();
    return (inserted.raw as unknown[]).length === 1;
  }

  async isErased(userId: string): Promise<boolean> {
    return this.transactions.tx.existsBy(ErasedUserEntity, { userId });
  }
}

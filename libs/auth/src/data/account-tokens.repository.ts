import { FeatureTransactions, InjectFeatureTransactions } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { In, IsNull } from 'typeorm';
import { AUTH_FEATURE } from '../auth.constants';
import { AccountTokenEntity, AccountTokenPurpose } from './account-token.entity';

/** What sending a token stores; the rest of the row starts empty. */
export type NewAccountToken = Pick<
  AccountTokenEntity,
  'userId' | 'purpose' | 'tokenHash' | 'email' | 'expiresAt'
>;

/** Every query of one-time account tokens; joins the caller's transaction, if any. */
@Injectable()
export class AccountTokensRepository {
  constructor(@InjectFeatureTransactions(AUTH_FEATURE) private readonly transactions: FeatureTransactions) {}

  async insert(token: NewAccountToken): Promise<void> {
    await this.transactions.tx.insert(AccountTokenEntity, token);
  }

  findByHash(tokenHash: string): Promise<AccountTokenEntity | null> {
    return this.transactions.tx.findOneBy(AccountTokenEntity, { tokenHash });
  }

  /** Every address a token of the user was sent to (an address change's new one, too). */
  async emailsOfUser(userId: string): Promise<string[]> {
    const rows: { email: string }[] = await this.transactions.tx
      .getRepository(AccountTokenEntity)
      .createQueryBuilder('token')
      .select('DISTINCT token.email', 'email')
      .where('token.userId = :userId', { userId })
      .getRawMany();
    return rows.map((row) => row.email);
  }

  /** Locks the row until the transaction ends, so a token cannot be spent twice concurrently. */
  findByHashForUpdate(tokenHash: string): Promise<AccountTokenEntity | null> {
    return this.transactions.tx.findOne(AccountTokenEntity, {
      where: { tokenHash },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** Spends every unspent token of the user with one of `purposes` (the one used, and its siblings). */
  async spendAll(userId: string, purposes: AccountTokenPurpose[], at: Date): Promise<void> {
    await this.transactions.tx.update(
      AccountTokenEntity,
      { userId, purpose: In(purposes), usedAt: IsNull() },
      { usedAt: at },
    );
  }

  async deleteForUser(userId: string): Promise<void> {
    await this.transactions.tx.delete(AccountTokenEntity, { userId });
  }
}

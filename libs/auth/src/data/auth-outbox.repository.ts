import { FeatureTransactions, InjectFeatureTransactions } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { AUTH_FEATURE } from '../auth.constants';

/**
 * The auth outbox's rows as personal data: the outbox itself is written through `Outbox.add`
 * (messaging); erasing an account also erases what the outbox still holds about it.
 */
@Injectable()
export class AuthOutboxRepository {
  constructor(@InjectFeatureTransactions(AUTH_FEATURE) private readonly transactions: FeatureTransactions) {}

  /**
   * Deletes every outbox row about the user, sent or not: keyed by the user id (every account
   * event auth publishes is), naming it in the payload, or containing one of `emails` (normalised,
   * lower-case) anywhere in the envelope. Returns how many rows went.
   */
  async deleteMessagesAbout(userId: string, emails: string[]): Promise<number> {
    const result: [unknown[], number] = await this.transactions.tx.query(
      `DELETE FROM outbox_messages
        WHERE message_key = $1
           OR envelope -> 'data' ->> 'userId' = $1
           OR EXISTS (SELECT 1 FROM unnest($2::text[]) AS email WHERE strpos(lower(envelope::text), email) > 0)`,
      [userId, emails],
    );
    return result[1];
  }
}

import { FeatureTransactions, InjectFeatureTransactions } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { COURSE_FEATURE } from '../course.constants';

/**
 * Every query of `course_user_profiles`, the course service's projection of users' display names
 * (certificates, and anything else that names a learner or an instructor).
 */
@Injectable()
export class UserProfilesRepository {
  constructor(
    @InjectFeatureTransactions(COURSE_FEATURE) private readonly transactions: FeatureTransactions,
  ) {}

  /**
   * Writes the user's display name as of `asOf` (the event's `occurredAt`). An event older than
   * what is stored changes nothing, so `user.registered` and `user.updated` may arrive in any order;
   * a registration never overwrites a stored name (an account exists before it is updated, so
   * whatever is stored is as new — decided even when both events carry the same millisecond); nor
   * does any event of an erased user. Returns whether the row changed.
   */
  async upsert(
    userId: string,
    displayName: string,
    asOf: Date,
    from: 'registration' | 'update',
  ): Promise<boolean> {
    const rows = await this.transactions.tx.query<unknown[]>(
      `INSERT INTO course_user_profiles (user_id, display_name, updated_at)
       SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM course_erased_users WHERE user_id = $1)
       ON CONFLICT (user_id) DO UPDATE SET display_name = EXCLUDED.display_name, updated_at = EXCLUDED.updated_at
         WHERE $4 AND course_user_profiles.updated_at <= EXCLUDED.updated_at
       RETURNING user_id`,
      [userId, displayName, asOf, from === 'update'],
    );
    return rows.length > 0;
  }

  async displayNameOf(userId: string): Promise<string | null> {
    const [row] = await this.transactions.tx.query<{ displayName: string }[]>(
      `SELECT display_name AS "displayName" FROM course_user_profiles WHERE user_id = $1`,
      [userId],
    );
    return row?.displayName ?? null;
  }

  /** The known display names of `userIds` (unknown ids are absent from the map). */
  async displayNamesOf(userIds: readonly string[]): Promise<Map<string, string>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.transactions.tx.query<{ userId: string; displayName: string }[]>(
      `SELECT user_id AS "userId", display_name AS "displayName"
         FROM course_user_profiles WHERE user_id = ANY($1::uuid[])`,
      [[...new Set(userIds)]],
    );
    return new Map(rows.map((row) => [row.userId, row.displayName]));
  }

  /**
   * Erasure: forgets the user's name and remembers only that the id was erased (see `upsert`).
   * Returns whether there was a name.
   */
  async erase(userId: string): Promise<boolean> {
    await this.transactions.tx.query(
      `INSERT INTO course_erased_users (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING`,
      [userId],
    );
    const [, affected] = await this.transactions.tx.query<[unknown[], number]>(
      `DELETE FROM course_user_profiles WHERE user_id = $1`,
      [userId],
    );
    return affected > 0;
  }

  /** Whether the user's account was erased (`user.deleted` handled). */
  async isErased(userId: string): Promise<boolean> {
    const rows = await this.transactions.tx.query<unknown[]>(
      `SELECT 1 FROM course_erased_users WHERE user_id = $1`,
      [userId],
    );
    return rows.length > 0;
  }
}

import { FeatureTransactions, InjectFeatureTransactions } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { AUTH_FEATURE } from '../auth.constants';

/**
 * What is counted: failed logins per client network and per account, registrations per client,
 * password reset requests per client and per account, verification e-mail resends per user.
 */
export type AttemptScope =
  'login-client' | 'login-account' | 'register-client' | 'reset-client' | 'reset-account' | 'verify-resend';

export interface BackoffPolicy {
  /** Attempts within the window before delays start. */
  freeAttempts: number;
  windowMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Counts of attempts in the auth database, so every replica sees the same budgets. Each count is
 * one row updated by one atomic upsert: concurrent attempts from many replicas never lose one.
 */
@Injectable()
export class CredentialAttemptsRepository {
  constructor(@InjectFeatureTransactions(AUTH_FEATURE) private readonly transactions: FeatureTransactions) {}

  /** Milliseconds the subject must still wait (0: none). */
  async remainingDelayMs(scope: AttemptScope, subject: string): Promise<number> {
    const rows: { remaining_ms: number }[] = await this.transactions.tx.query(
      `SELECT GREATEST(0, CEIL(EXTRACT(EPOCH FROM (blocked_until - clock_timestamp())) * 1000))::float8 AS remaining_ms
         FROM credential_attempts WHERE scope = $1 AND subject = $2`,
      [scope, subject],
    );
    return rows[0]?.remaining_ms ?? 0;
  }

  /**
   * Counts one more attempt (a count whose last attempt is older than the window starts again)
   * and, beyond the free ones, delays the next by base × 2^(extra attempts), at most maxDelayMs.
   * Returns the delay now in force for the subject, in milliseconds.
   */
  async record(scope: AttemptScope, subject: string, policy: BackoffPolicy): Promise<number> {
    const count = `(CASE WHEN a.last_attempt_at < now() - $3 * interval '1 millisecond' THEN 1 ELSE a.attempts + 1 END)`;
    const delayOf = (attempts: string) =>
      `(CASE WHEN ${attempts} >= $4 THEN LEAST($6::float8, $5 * power(2::float8, LEAST(${attempts} - $4, 60))) END)`;
    const rows: { delay_ms: number | null }[] = await this.transactions.tx.query(
      `INSERT INTO credential_attempts AS a (scope, subject, attempts, last_attempt_at, blocked_until)
       VALUES ($1, $2, 1, now(), now() + ${delayOf('1')} * interval '1 millisecond')
       ON CONFLICT (scope, subject) DO UPDATE SET
         attempts = ${count},
         last_attempt_at = now(),
         blocked_until = now() + ${delayOf(count)} * interval '1 millisecond'
       RETURNING EXTRACT(EPOCH FROM (blocked_until - now())) * 1000 AS delay_ms`,
      [scope, subject, policy.windowMs, policy.freeAttempts, policy.baseDelayMs, policy.maxDelayMs],
    );
    return Number(rows[0]?.delay_ms ?? 0);
  }

  /** Forgets the subject's count (an account after its owner logged in). */
  async clear(scope: AttemptScope, subject: string): Promise<void> {
    await this.transactions.tx.query('DELETE FROM credential_attempts WHERE scope = $1 AND subject = $2', [
      scope,
      subject,
    ]);
  }

  /** Forgets every count of the subjects (an erased account's). */
  async clearSubjects(subjects: string[]): Promise<void> {
    await this.transactions.tx.query('DELETE FROM credential_attempts WHERE subject = ANY($1::text[])', [
      subjects,
    ]);
  }

  /** Deletes counts whose window and delay are both over. */
  async deleteExpired(windowMs: number): Promise<void> {
    await this.transactions.tx.query(
      `DELETE FROM credential_attempts
        WHERE last_attempt_at < now() - $1 * interval '1 millisecond'
          AND (blocked_until IS NULL OR blocked_until < now())`,
      [windowMs],
    );
  }
}

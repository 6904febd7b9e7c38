import { accountSecurityNotice, securityNoticeKinds, userUpdated } from '@coursehub/contracts';
import {
  FeatureTransactions,
  ForbiddenError,
  InjectFeatureTransactions,
  InvalidInputError,
  UnauthenticatedError,
} from '@coursehub/core';
import { Outbox } from '@coursehub/messaging';
import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AUTH_FEATURE, PASSWORD_RESET_ANSWER_FLOOR_MS } from '../auth.constants';
import { RefreshTokensRepository } from '../data/refresh-tokens.repository';
import { UserEntity } from '../data/user.entity';
import { UsersRepository } from '../data/users.repository';
import { AccountTokensService, INVALID_ACCOUNT_TOKEN, newAccountToken } from './account-tokens.service';
import { CredentialsThrottle } from './credentials-throttle.service';
import { PasswordHasher } from './password-hasher.service';
import { ACCOUNT_GONE, hashRefreshToken } from './refresh-tokens.service';
import { normaliseEmail, userUpdatedOf } from './users.service';

export type SecurityNoticeKind = (typeof securityNoticeKinds)[number];

/** What a password change or reset did to the account's sessions. */
export interface SessionsRevoked {
  /** Sessions (refresh-token families) that could still refresh and now cannot. */
  revokedSessions: number;
  /** Whether the session of the refresh token sent with a password change goes on. */
  currentSessionKept: boolean;
}

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
  /** The caller's refresh token: its session is kept; without it, every session ends. */
  refreshToken?: string;
}

export const WRONG_PASSWORD = 'The password is wrong';

/**
 * Passwords and sessions: reset by e-mail, change, sign out everywhere. Each writes a security
 * notice e-mail's request (`user.security-notice`) to the outbox in the transaction of the change.
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly users: UsersRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly accountTokens: AccountTokensService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: CredentialsThrottle,
    private readonly outbox: Outbox,
    @InjectFeatureTransactions(AUTH_FEATURE) private readonly transactions: FeatureTransactions,
  ) {}

  /**
   * Sends a reset link when the address has an account (and is within its budget). Answers the
   * same, after at least PASSWORD_RESET_ANSWER_FLOOR_MS, either way: nobody learns whether an
   * account exists from the answer or its timing.
   */
  async requestReset(email: string, client: string): Promise<void> {
    const started = Date.now();
    const address = normaliseEmail(email);
    const withinBudget = await this.throttle.recordPasswordReset(address, client);
    const user = await this.users.findByEmail(address);
    if (user && withinBudget) {
      await this.transactions.withTransaction(async () => {
        // Locked, so an erasure in progress is either done (nothing to send) or waits for this.
        const current = await this.users.findByIdForUpdate(user.id);
        if (current) await this.accountTokens.requestPasswordReset(current);
      });
    } else {
      newAccountToken(); // the same token work, discarded
    }
    const remaining = PASSWORD_RESET_ANSWER_FLOOR_MS - (Date.now() - started);
    if (remaining > 0) await sleep(remaining);
  }

  /** Sets the password of the token's account and ends all its sessions; the token is spent. */
  async confirmReset(token: string, password: string): Promise<SessionsRevoked> {
    // A token that cannot work fails before the (slow) hashing; the spend below re-checks under lock.
    await this.accountTokens.check(token, ['password-reset']);
    const passwordHash = await this.hasher.hash(password);
    const outcome = await this.transactions.withTransaction(async () => {
      const now = new Date();
      const spent = await this.accountTokens.spend(token, ['password-reset'], now);
      const account = await this.users.findByIdForUpdate(spent.userId);
      // The link went to an address the account no longer has: it proves nothing about this one.
      if (!account || account.email !== spent.email) throw new InvalidInputError(INVALID_ACCOUNT_TOKEN);
      await this.users.updatePasswordHash(account.id, passwordHash);
      if (account.emailVerifiedAt === null) {
        // Opening the link proved the address, as a verification link would have.
        const verified = await this.users.updateProfile(account.id, { emailVerifiedAt: now });
        if (verified && verified !== 'email-taken') {
          await this.outbox.add(userUpdated, userUpdatedOf(verified), { key: account.id });
        }
      }
      const revokedSessions = await this.refreshTokens.revokeAllOfUser(account.id, now);
      await this.notify(account, 'password-reset', now);
      return { account, revokedSessions };
    });
    // The owner is back in: a delay attackers caused on the account ends.
    await this.throttle.recordLoginSuccess(outcome.account.email);
    return { revokedSessions: outcome.revokedSessions, currentSessionKept: false };
  }

  /**
   * Changes the caller's password and ends their other sessions: all but the one of
   * `refreshToken` when it is one of theirs, else all of them.
   */
  async change(userId: string, change: PasswordChange, client: string): Promise<SessionsRevoked> {
    const user = await this.confirmPassword(userId, change.currentPassword, client);
    const passwordHash = await this.hasher.hash(change.newPassword);
    const current = change.refreshToken
      ? await this.refreshTokens.findByHash(hashRefreshToken(change.refreshToken))
      : null;
    const keptFamily =
      current && current.userId === user.id && current.revokedAt === null ? current.familyId : undefined;
    return this.transactions.withTransaction(async () => {
      // Locked: an erasure that ran meanwhile leaves nothing to change (and no notice to send).
      if (!(await this.users.findByIdForUpdate(user.id))) throw new UnauthenticatedError(ACCOUNT_GONE);
      const now = new Date();
      await this.users.updatePasswordHash(user.id, passwordHash);
      const revokedSessions = await this.refreshTokens.revokeAllOfUser(user.id, now, keptFamily);
      await this.notify(user, 'password-changed', now);
      return { revokedSessions, currentSessionKept: keptFamily !== undefined };
    });
  }

  /** Ends every session of the user; returns how many could still refresh. */
  async logoutAll(userId: string): Promise<number> {
    return this.transactions.withTransaction(async () => {
      const user = await this.users.findByIdForUpdate(userId);
      if (!user) throw new UnauthenticatedError(ACCOUNT_GONE);
      const now = new Date();
      const revoked = await this.refreshTokens.revokeAllOfUser(user.id, now);
      await this.notify(user, 'signed-out-everywhere', now);
      return revoked;
    });
  }

  /**
   * The signed-in user, after checking their password again (for changes that need more than a
   * token): ForbiddenError when wrong. Failures count and delay as failed logins do.
   */
  async confirmPassword(userId: string, password: string, client: string): Promise<UserEntity> {
    const user = await this.users.findById(userId);
    if (!user) throw new UnauthenticatedError(ACCOUNT_GONE);
    await this.throttle.waitForAccount(user.email);
    const check = await this.hasher.verify(user.passwordHash, password);
    if (!check.valid) {
      await this.throttle.recordLoginFailure(user.email, client);
      throw new ForbiddenError(WRONG_PASSWORD);
    }
    return user;
  }

  /** Inside a transaction: the request of a security notice e-mail to `email` (default: the account's). */
  async notify(user: UserEntity, notice: SecurityNoticeKind, at: Date, email = user.email): Promise<void> {
    await this.outbox.add(
      accountSecurityNotice,
      { userId: user.id, email, displayName: user.displayName, notice, occurredAt: at.toISOString() },
      { key: user.id },
    );
  }
}

import { userDeleted, userUpdated } from '@coursehub/contracts';
import {
  ConflictError,
  FeatureTransactions,
  InjectFeatureTransactions,
  InvalidInputError,
  NotFoundError,
  PersonalDataExports,
} from '@coursehub/core';
import { Outbox } from '@coursehub/messaging';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ADMIN_ROLE_LOCK, AUTH_FEATURE } from '../auth.constants';
import { AccountTokensRepository } from '../data/account-tokens.repository';
import { AuthOutboxRepository } from '../data/auth-outbox.repository';
import { RefreshTokensRepository } from '../data/refresh-tokens.repository';
import { UserEntity } from '../data/user.entity';
import { UsersRepository } from '../data/users.repository';
import { AccountTokensService, INVALID_ACCOUNT_TOKEN } from './account-tokens.service';
import { CredentialsService } from './credentials.service';
import { CredentialsThrottle } from './credentials-throttle.service';
import { normaliseEmail, userUpdatedOf } from './users.service';

const EMAIL_TAKEN = 'An account with this e-mail already exists';

export interface EmailChange {
  newEmail: string;
  password: string;
}

/** The auth section of `GET /me/export`. */
export interface AuthPersonalData extends Record<string, unknown> {
  profile: {
    email: string;
    displayName: string;
    roles: string[];
    emailVerified: boolean;
    createdAt: string;
  } | null;
  sessions: {
    createdAt: string;
    lastUsedAt: string;
    expiresAt: string;
    revokedAt: string | null;
  }[];
}

/**
 * The account as its owner manages it: e-mail verification and address changes, display name,
 * erasure and the data export. Every change announces itself through the outbox in its transaction.
 */
@Injectable()
export class AccountService implements OnModuleInit {
  constructor(
    private readonly users: UsersRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly accountTokensRepository: AccountTokensRepository,
    private readonly outboxRows: AuthOutboxRepository,
    private readonly accountTokens: AccountTokensService,
    private readonly credentials: CredentialsService,
    private readonly throttle: CredentialsThrottle,
    private readonly outbox: Outbox,
    private readonly exports: PersonalDataExports,
    @InjectFeatureTransactions(AUTH_FEATURE) private readonly transactions: FeatureTransactions,
  ) {}

  onModuleInit(): void {
    this.exports.register(AUTH_FEATURE, (userId) => this.exportFor(userId));
  }

  /**
   * Spends a verification token: the registered address becomes verified, or an address change
   * takes effect (the new address verified, a notice to the old one). ConflictError when the new
   * address was taken meanwhile (the token stays usable).
   */
  async verifyEmail(token: string): Promise<UserEntity> {
    return this.transactions.withTransaction(async () => {
      const now = new Date();
      const spent = await this.accountTokens.spend(token, ['email-verification', 'email-change'], now);
      const user = await this.users.findByIdForUpdate(spent.userId);
      if (!user) throw new InvalidInputError(INVALID_ACCOUNT_TOKEN);
      if (spent.purpose === 'email-verification') {
        // A link sent to an address the account has since left verifies nothing.
        if (spent.email !== user.email) throw new InvalidInputError(INVALID_ACCOUNT_TOKEN);
        if (user.emailVerifiedAt !== null) return user;
        return this.saveAndAnnounce(user.id, { emailVerifiedAt: now });
      }
      const oldEmail = user.email;
      const changed = await this.saveAndAnnounce(user.id, { email: spent.email, emailVerifiedAt: now });
      await this.credentials.notify(changed, 'email-changed', now, oldEmail);
      return changed;
    });
  }

  /** Another verification e-mail for the caller's address; ConflictError when it is verified already. */
  async resendVerification(userId: string): Promise<Date> {
    const user = await this.get(userId);
    if (user.emailVerifiedAt !== null) throw new ConflictError('The e-mail address is already verified');
    await this.throttle.recordVerificationResend(user.id);
    return this.transactions.withTransaction(async () => {
      // Locked: an erasure running now either finished (not found) or waits for this link.
      const current = await this.users.findByIdForUpdate(user.id);
      if (!current) throw new NotFoundError('User not found');
      if (current.emailVerifiedAt !== null) throw new ConflictError('The e-mail address is already verified');
      return this.accountTokens.requestVerification(current, 'registration', current.email);
    });
  }

  async updateDisplayName(userId: string, displayName: string): Promise<UserEntity> {
    return this.transactions.withTransaction(() => this.saveAndAnnounce(userId, { displayName }));
  }

  /**
   * Sends a verification link to the new address; the change happens when it is opened
   * (verifyEmail). ConflictError when another account has the address.
   */
  async requestEmailChange(userId: string, change: EmailChange, client: string): Promise<Date> {
    const user = await this.credentials.confirmPassword(userId, change.password, client);
    const newEmail = normaliseEmail(change.newEmail);
    if (newEmail === user.email) throw new InvalidInputError('This is already the address of the account');
    return this.transactions.withTransaction(async () => {
      const current = await this.users.findByIdForUpdate(user.id);
      if (!current) throw new NotFoundError('User not found');
      if (await this.users.emailTaken(newEmail, user.id)) throw new ConflictError(EMAIL_TAKEN);
      return this.accountTokens.requestVerification(current, 'email-change', newEmail);
    });
  }

  /** The owner deletes their account, confirming with the password (ForbiddenError when wrong). */
  async deleteOwn(userId: string, password: string, client: string): Promise<void> {
    await this.credentials.confirmPassword(userId, password, client);
    await this.erase(userId);
  }

  /**
   * Erases the account in one transaction: the user row, its refresh and one-time tokens, the
   * throttling counts kept about it, and every auth outbox row about it, then writes
   * `user.deleted` (ids and a time, nothing personal). Outbox rows are deleted whether sent or
   * not: sent ones are copies of the personal data being erased; unsent ones (a verification
   * link, a notice, a profile update) are pointless for an account that no longer exists, and
   * the consumers erase what they already hold when `user.deleted` reaches them.
   * NotFoundError when there is no such user; ConflictError for the last admin.
   */
  async erase(userId: string): Promise<void> {
    await this.transactions.withTransaction(async () => {
      await this.users.lockForTransaction(ADMIN_ROLE_LOCK);
      const user = await this.users.findByIdForUpdate(userId);
      if (!user) throw new NotFoundError('User not found');
      if (user.roles.includes('admin') && (await this.users.countWithRole('admin')) <= 1) {
        throw new ConflictError('This is the last admin: make another user admin before deleting this one');
      }
      const emails = [
        ...new Set([user.email, ...(await this.accountTokensRepository.emailsOfUser(user.id))]),
      ];
      await this.accountTokensRepository.deleteForUser(user.id);
      await this.refreshTokens.deleteForUser(user.id);
      await this.throttle.forgetAccount(user.id, emails);
      await this.outboxRows.deleteMessagesAbout(user.id, emails);
      await this.users.delete(user.id);
      await this.outbox.add(
        userDeleted,
        { userId: user.id, deletedAt: new Date().toISOString() },
        { key: user.id },
      );
    });
  }

  /** Everything auth holds about the user: the profile and the sessions (never a token or its hash). */
  async exportFor(userId: string): Promise<AuthPersonalData> {
    const user = await this.users.findById(userId);
    if (!user) return { profile: null, sessions: [] };
    const sessions = await this.refreshTokens.listSessions(user.id);
    return {
      profile: {
        email: user.email,
        displayName: user.displayName,
        roles: user.roles,
        emailVerified: user.emailVerifiedAt !== null,
        createdAt: user.createdAt.toISOString(),
      },
      sessions: sessions.map((session) => ({
        createdAt: session.createdAt.toISOString(),
        lastUsedAt: session.lastUsedAt.toISOString(),
        expiresAt: session.expiresAt.toISOString(),
        revokedAt: session.revokedAt?.toISOString() ?? null,
      })),
    };
  }

  async get(userId: string): Promise<UserEntity> {
    const user = await this.users.findById(userId);
    if (!user) throw new NotFoundError('User not found');
    return user;
  }

  /** Inside a transaction: changes the profile and writes `user.updated` with the result. */
  private async saveAndAnnounce(
    userId: string,
    changes: { displayName?: string; email?: string; emailVerifiedAt?: Date },
  ): Promise<UserEntity> {
    const user = await this.users.updateProfile(userId, changes);
    if (user === 'email-taken') throw new ConflictError(EMAIL_TAKEN);
    if (!user) throw new NotFoundError('User not found');
    await this.outbox.add(userUpdated, userUpdatedOf(user), { key: user.id });
    return user;
  }
}

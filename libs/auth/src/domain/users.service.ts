import { EventData, userRegistered, userUpdated } from '@coursehub/contracts';
import {
  ConflictError,
  decodeCursor,
  FeatureTransactions,
  InjectFeatureTransactions,
  NotFoundError,
  Page,
  pageOf,
  Role,
} from '@coursehub/core';
import { Outbox } from '@coursehub/messaging';
import { Injectable } from '@nestjs/common';
import { ADMIN_ROLE_LOCK, AUTH_FEATURE } from '../auth.constants';
import { UserEntity } from '../data/user.entity';
import { UserFilters, UsersRepository } from '../data/users.repository';
import { AccountTokensService } from './account-tokens.service';
import { PasswordHasher } from './password-hasher.service';

export interface NewUser {
  email: string;
  password: string;
  /** Defaults to the part of the e-mail before the @. */
  displayName?: string;
  roles?: Role[];
  /**
   * True for an address the operator vouches for (the seeded admin's): no verification e-mail.
   * Otherwise the account starts unverified and a verification e-mail is requested.
   */
  emailVerified?: boolean;
}

export interface UserPageRequest extends UserFilters {
  cursor?: string;
  limit: number;
}

/** The name of the one order of user lists, carried by its cursors. */
const NEWEST_FIRST = 'newest';

/** Stored like this, so lookups and the unique index agree whatever the caller typed. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The `user.updated` payload of the account as it is now. */
export function userUpdatedOf(user: UserEntity): EventData<typeof userUpdated> {
  return {
    userId: user.id,
    email: user.email,
    displayName: user.displayName,
    emailVerified: user.emailVerifiedAt !== null,
  };
}

/** Accounts: creating them (and announcing them), reading, listing and changing roles. */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly outbox: Outbox,
    private readonly accountTokens: AccountTokensService,
    @InjectFeatureTransactions(AUTH_FEATURE) private readonly transactions: FeatureTransactions,
  ) {}

  /**
   * Creates the user and, in the same transaction (the caller's, if any), writes `user.registered`
   * (and, unless the address is vouched for, the verification e-mail's request) to the outbox, so
   * the events exist exactly when the user does.
   */
  async create(input: NewUser): Promise<UserEntity> {
    const email = normaliseEmail(input.email);
    // Hashed before the transaction: argon2 takes a while, and needs no connection meanwhile.
    const passwordHash = await this.hasher.hash(input.password);
    return this.transactions.withTransaction(async () => {
      const user = await this.users.insert({
        email,
        displayName: input.displayName ?? email.split('@')[0],
        passwordHash,
        roles: input.roles ?? ['student'],
        emailVerifiedAt: input.emailVerified ? new Date() : null,
      });
      if (!user) throw new ConflictError('An account with this e-mail already exists');
      await this.outbox.add(
        userRegistered,
        { userId: user.id, email: user.email, displayName: user.displayName },
        { key: user.id },
      );
      if (!input.emailVerified)
        await this.accountTokens.requestVerification(user, 'registration', user.email);
      return user;
    });
  }

  async get(id: string): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundError('User not found');
    return user;
  }

  /** Newest first; an altered cursor is an InvalidInputError. */
  async list(request: UserPageRequest): Promise<Page<UserEntity>> {
    const after = request.cursor ? decodeCursor(request.cursor, NEWEST_FIRST, 'timestamp') : undefined;
    const rows = await this.users.listNewestFirst(
      { role: request.role, email: request.email },
      after && { createdAt: after.key, id: after.id },
      request.limit + 1,
    );
    return pageOf(
      rows,
      request.limit,
      (last) => ({ sort: NEWEST_FIRST, key: last.createdAtKey, id: last.user.id }),
      (row) => row.user,
    );
  }

  /** Replaces the roles; the last admin keeps the admin role (ConflictError), so the platform never loses its last admin. */
  async setRoles(id: string, roles: Role[]): Promise<UserEntity> {
    return this.transactions.withTransaction(async () => {
      if (!roles.includes('admin')) {
        // Serialises demotions: two admins demoting each other at once must not both succeed.
        await this.users.lockForTransaction(ADMIN_ROLE_LOCK);
        const current = await this.users.findById(id);
        if (current?.roles.includes('admin') && (await this.users.countWithRole('admin')) <= 1) {
          throw new ConflictError('This is the last admin: make another user admin before removing the role');
        }
      }
      const user = await this.users.updateRoles(id, roles);
      if (!user) throw new NotFoundError('User not found');
      return user;
    });
  }
}

import { FeatureTransactions, InjectFeatureTransactions, onUniqueViolation, Role } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { AUTH_FEATURE } from '../auth.constants';
import { UserEntity } from './user.entity';

export interface NewUserRow {
  email: string;
  displayName: string;
  passwordHash: string;
  roles: Role[];
  emailVerifiedAt?: Date | null;
}

export interface UserFilters {
  role?: Role;
  /** Case-insensitive substring of the e-mail. */
  email?: string;
}

/** Where the previous page ended: its last user's `created_at` (exact, as text) and id. */
export interface UserKeyset {
  createdAt: string;
  id: string;
}

/** A user with its `created_at` in full precision (microseconds), which a JS Date would round. */
export interface UserRowWithKey {
  user: UserEntity;
  createdAtKey: string;
}

const EMAIL_UNIQUE_INDEX = 'users_email_unique';

/** Every query of users; joins the caller's transaction, if any. */
@Injectable()
export class UsersRepository {
  constructor(@InjectFeatureTransactions(AUTH_FEATURE) private readonly transactions: FeatureTransactions) {}

  /** The new user, or null when the e-mail is taken (then the surrounding transaction must end). */
  async insert(row: NewUserRow): Promise<UserEntity | null> {
    const repository = this.transactions.tx.getRepository(UserEntity);
    return onUniqueViolation(
      EMAIL_UNIQUE_INDEX,
      () => repository.save(repository.create(row)),
      () => null,
    );
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.transactions.tx.findOneBy(UserEntity, { id });
  }

  /** `email` must be normalised (trimmed, lower-case), as stored. */
  findByEmail(email: string): Promise<UserEntity | null> {
    return this.transactions.tx.findOneBy(UserEntity, { email });
  }

  /** The updated user, or null when there is none with that id. */
  async updateRoles(id: string, roles: Role[]): Promise<UserEntity | null> {
    const repository = this.transactions.tx.getRepository(UserEntity);
    const user = await repository.findOneBy({ id });
    if (!user) return null;
    user.roles = roles;
    return repository.save(user);
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.transactions.tx.update(UserEntity, { id }, { passwordHash });
  }

  /** Locks the user's row until the transaction ends (concurrent changes of one account queue up). */
  findByIdForUpdate(id: string): Promise<UserEntity | null> {
    return this.transactions.tx.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The updated user (null when there is none), or 'email-taken' when `changes.email` belongs to another account. */
  async updateProfile(
    id: string,
    changes: { displayName?: string; email?: string; emailVerifiedAt?: Date | null },
  ): Promise<UserEntity | null | 'email-taken'> {
    const repository = this.transactions.tx.getRepository(UserEntity);
    const user = await repository.findOneBy({ id });
    if (!user) return null;
    Object.assign(user, changes);
    return onUniqueViolation(
      EMAIL_UNIQUE_INDEX,
      () => repository.save(user),
      () => 'email-taken' as const,
    );
  }

  /** Whether an account other than `exceptId` has the (normalised) e-mail. */
  async emailTaken(email: string, exceptId?: string): Promise<boolean> {
    const user = await this.findByEmail(email);
    return user !== null && user.id !== exceptId;
  }

  async delete(id: string): Promise<void> {
    await this.transactions.tx.delete(UserEntity, { id });
  }

  /** How many users have `role` (for "the last admin" rules: lock with lockForTransaction first). */
  countWithRole(role: Role): Promise<number> {
    return this.withRole(role).getCount();
  }

  anyWithRole(role: Role): Promise<boolean> {
    return this.withRole(role).getExists();
  }

  private withRole(role: Role) {
    return this.transactions.tx
      .getRepository(UserEntity)
      .createQueryBuilder('user')
      .where(':role = ANY(user.roles)', { role });
  }

  /** Waits for, then holds until the transaction ends, the lock named `name`. */
  async lockForTransaction(name: string): Promise<void> {
    await this.transactions.tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [name]);
  }

  /**
   * Newest first (ties by id), after `keyset` when given: up to `take` rows. The order matches the
   * index `users_created_at (created_at DESC, id)`.
   */
  async listNewestFirst(
    filters: UserFilters,
    keyset: UserKeyset | undefined,
    take: number,
  ): Promise<UserRowWithKey[]> {
    const query = this.transactions.tx.getRepository(UserEntity).createQueryBuilder('user');
    if (filters.role) query.andWhere(':role = ANY(user.roles)', { role: filters.role });
    if (filters.email) {
      const pattern = `%${filters.email.toLowerCase().replace(/[\\%_]/g, (match) => `\\${match}`)}%`;
      query.andWhere('user.email LIKE :pattern', { pattern });
    }
    if (keyset) {
      query.andWhere(
        '(user.createdAt < CAST(:createdAt AS timestamptz) OR ' +
          '(user.createdAt = CAST(:createdAt AS timestamptz) AND user.id > CAST(:id AS uuid)))',
        { createdAt: keyset.createdAt, id: keyset.id },
      );
    }
    const { entities, raw } = await query
      .addSelect(
        `to_char(user.createdAt AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
        'created_at_key',
      )
      .orderBy('user.createdAt', 'DESC')
      .addOrderBy('user.id', 'ASC')
      .limit(take)
      .getRawAndEntities<{ user_id: string; created_at_key: string }>();
    const keys = new Map(raw.map((row) => [row.user_id, row.created_at_key]));
    return entities.map((user) => ({ user, createdAtKey: keys.get(user.id)! }));
  }
}

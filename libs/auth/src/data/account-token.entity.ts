import { CreatedAtColumn, TextColumn, TimestampColumn, UuidColumn, UuidPrimaryKey } from '@coursehub/core';
import { Entity } from 'typeorm';

/** What a one-time account token is for. */
export const ACCOUNT_TOKEN_PURPOSES = ['email-verification', 'email-change', 'password-reset'] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];

/**
 * A one-time token sent by e-mail (verification, address change, password reset). Only its
 * SHA-256 is stored; the token itself exists only in the e-mail. Spent once (`usedAt`).
 */
@Entity({ name: 'account_tokens' })
export class AccountTokenEntity {
  @UuidPrimaryKey()
  id!: string;

  @UuidColumn('user_id')
  userId!: string;

  @TextColumn()
  purpose!: AccountTokenPurpose;

  @TextColumn({ name: 'token_hash' })
  tokenHash!: string;

  /** The address the token was sent to: the one it verifies (for an address change, the new one). */
  @TextColumn()
  email!: string;

  @TimestampColumn('expires_at')
  expiresAt!: Date;

  @TimestampColumn('used_at', { nullable: true })
  usedAt!: Date | null;

  @CreatedAtColumn()
  createdAt!: Date;
}

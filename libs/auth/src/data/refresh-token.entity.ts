import { CreatedAtColumn, TextColumn, TimestampColumn, UuidColumn, UuidPrimaryKey } from '@coursehub/core';
import { Entity } from 'typeorm';

/**
 * One issued refresh token. Only its SHA-256 is stored. Every token of a login session shares a
 * `familyId`; using a token spends it and issues the next one of the family.
 */
@Entity({ name: 'refresh_tokens' })
export class RefreshTokenEntity {
  @UuidPrimaryKey()
  id!: string;

  @TextColumn({ name: 'token_hash' })
  tokenHash!: string;

  @UuidColumn('family_id')
  familyId!: string;

  @UuidColumn('user_id')
  userId!: string;

  @TimestampColumn('expires_at')
  expiresAt!: Date;

  @TimestampColumn('spent_at', { nullable: true })
  spentAt!: Date | null;

  @TimestampColumn('revoked_at', { nullable: true })
  revokedAt!: Date | null;

  @CreatedAtColumn()
  createdAt!: Date;
}

import { emailVerificationRequested, passwordResetRequested } from '@coursehub/contracts';
import { CoreEnv, InvalidInputError, publicUrlOf } from '@coursehub/core';
import { Outbox } from '@coursehub/messaging';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash, randomBytes } from 'node:crypto';
import { AuthEnv } from '../auth.env';
import { AccountTokenEntity, AccountTokenPurpose } from '../data/account-token.entity';
import { AccountTokensRepository } from '../data/account-tokens.repository';
import { UserEntity } from '../data/user.entity';

/** The one answer to a token that is unknown, spent, expired or meant for something else. */
export const INVALID_ACCOUNT_TOKEN = 'This link is invalid or has expired';

/** Only this digest is stored: the token itself exists only in the e-mail. */
export function hashAccountToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new one-time token: 32 random bytes (base64url) and the digest that is stored. */
export function newAccountToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashAccountToken(token) };
}

/**
 * One-time tokens of account e-mails. Issuing stores the token's hash and writes the e-mail's
 * request event (rendered and sent by the e-mail service) to the outbox, in the caller's
 * transaction; spending checks purpose, expiry and single use under a row lock.
 */
@Injectable()
export class AccountTokensService {
  private readonly verificationTtlMs: number;
  private readonly resetTtlMs: number;
  private readonly publicUrl: string;

  constructor(
    private readonly tokens: AccountTokensRepository,
    private readonly outbox: Outbox,
    config: ConfigService<AuthEnv & CoreEnv, true>,
  ) {
    this.verificationTtlMs = config.get('EMAIL_VERIFICATION_TTL_MS', { infer: true });
    this.resetTtlMs = config.get('RESET_LINK_TTL_MS', { infer: true });
    this.publicUrl = publicUrlOf({
      PUBLIC_URL: config.get('PUBLIC_URL', { infer: true }),
      PORT: config.get('PORT', { infer: true }),
    });
  }

  /**
   * Inside a transaction: a verification link for `email` (the account's address at registration,
   * the new one for an address change), e-mailed to that address. Returns when the link expires.
   */
  async requestVerification(
    user: UserEntity,
    purpose: 'registration' | 'email-change',
    email: string,
    now = new Date(),
  ): Promise<Date> {
    const expiresAt = new Date(now.getTime() + this.verificationTtlMs);
    const { token, tokenHash } = newAccountToken();
    await this.tokens.insert({
      userId: user.id,
      purpose: purpose === 'registration' ? 'email-verification' : 'email-change',
      tokenHash,
      email,
      expiresAt,
    });
    await this.outbox.add(
      emailVerificationRequested,
      {
        userId: user.id,
        email,
        displayName: user.displayName,
        verificationUrl: `${this.publicUrl}/verify-email?token=${token}`,
        expiresAt: expiresAt.toISOString(),
        purpose,
      },
      { key: user.id },
    );
    return expiresAt;
  }

  /** Inside a transaction: a password reset link e-mailed to the account's address. */
  async requestPasswordReset(user: UserEntity, now = new Date()): Promise<Date> {
    const expiresAt = new Date(now.getTime() + this.resetTtlMs);
    const { token, tokenHash } = newAccountToken();
    await this.tokens.insert({
      userId: user.id,
      purpose: 'password-reset',
      tokenHash,
      email: user.email,
      expiresAt,
    });
    await this.outbox.add(
      passwordResetRequested,
      {
        userId: user.id,
        email: user.email,
        displayName: user.displayName,
        resetUrl: `${this.publicUrl}/reset-password?token=${token}`,
        expiresAt: expiresAt.toISOString(),
      },
      { key: user.id },
    );
    return expiresAt;
  }

  /** The token if it could be spent now (no lock, nothing changed); InvalidInputError otherwise. */
  async check(token: string, purposes: AccountTokenPurpose[], now = new Date()): Promise<AccountTokenEntity> {
    return usable(await this.tokens.findByHash(hashAccountToken(token)), purposes, now);
  }

  /**
   * Inside a transaction: spends the token, and the user's other unspent tokens of its purpose
   * (an older link stops working once one worked). InvalidInputError when it is unknown, spent,
   * expired or of another purpose, all alike.
   */
  async spend(token: string, purposes: AccountTokenPurpose[], now = new Date()): Promise<AccountTokenEntity> {
    const row = usable(await this.tokens.findByHashForUpdate(hashAccountToken(token)), purposes, now);
    await this.tokens.spendAll(row.userId, [row.purpose], now);
    return row;
  }
}

function usable(
  row: AccountTokenEntity | null,
  purposes: AccountTokenPurpose[],
  now: Date,
): AccountTokenEntity {
  if (!row || !purposes.includes(row.purpose) || row.usedAt !== null || row.expiresAt <= now) {
    throw new InvalidInputError(INVALID_ACCOUNT_TOKEN);
  }
  return row;
}

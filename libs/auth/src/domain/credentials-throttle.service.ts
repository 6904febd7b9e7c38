import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthEnv } from '../auth.env';
import {
  AttemptScope,
  BackoffPolicy,
  CredentialAttemptsRepository,
} from '../data/credential-attempts.repository';

/**
 * Progressive delays against password guessing, shared by every replica (the counts live in the
 * auth database). A client (IPv4 address or IPv6 /64, see clientKeyOf) that keeps failing is
 * refused for doubling periods (429 + Retry-After). An account that keeps failing is never
 * refused, only slowed down: each login to it waits out the account's current delay (at most
 * AUTH_THROTTLE_MAX_ACCOUNT_DELAY_MS) before the password is checked, so an attacker can make a
 * chosen account slower to log in to, not lock its owner out.
 */
@Injectable()
export class CredentialsThrottle implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CredentialsThrottle.name);
  private readonly client: BackoffPolicy;
  private readonly account: BackoffPolicy;
  private janitor?: NodeJS.Timeout;

  constructor(
    private readonly attempts: CredentialAttemptsRepository,
    config: ConfigService<AuthEnv, true>,
  ) {
    const common = {
      freeAttempts: config.get('AUTH_THROTTLE_LIMIT', { infer: true }),
      windowMs: config.get('AUTH_THROTTLE_WINDOW_MS', { infer: true }),
      baseDelayMs: config.get('AUTH_THROTTLE_BASE_DELAY_MS', { infer: true }),
    };
    this.client = { ...common, maxDelayMs: config.get('AUTH_THROTTLE_MAX_CLIENT_DELAY_MS', { infer: true }) };
    this.account = {
      ...common,
      maxDelayMs: config.get('AUTH_THROTTLE_MAX_ACCOUNT_DELAY_MS', { infer: true }),
    };
  }

  onModuleInit(): void {
    const sweep = () =>
      this.attempts
        .deleteExpired(this.client.windowMs)
        .catch((error: unknown) =>
          this.logger.warn({ err: error }, 'Deleting expired attempt counts failed'),
        );
    this.janitor = setInterval(() => void sweep(), Math.min(this.client.windowMs, 10 * 60_000));
    this.janitor.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.janitor);
  }

  /** Seconds the client must wait before trying `scope` again (0: it may try now). */
  async clientRetryAfterSeconds(scope: ClientScope, client: string): Promise<number> {
    const remaining = await this.attempts.remainingDelayMs(`${scope}-client`, client);
    return Math.ceil(remaining / 1000);
  }

  /** Seconds the user must wait before asking for another verification e-mail (0: now). */
  async resendRetryAfterSeconds(userId: string): Promise<number> {
    return Math.ceil((await this.attempts.remainingDelayMs('verify-resend', userId)) / 1000);
  }

  async recordVerificationResend(userId: string): Promise<void> {
    await this.attempts.record('verify-resend', userId, this.client);
  }

  /**
   * Counts a password reset request against the client (refused with 429 beyond its budget,
   * whatever the address) and against the address; false when the address is over its budget:
   * then no e-mail goes out (the answer stays the same), so nobody can flood a mailbox.
   */
  async recordPasswordReset(email: string, client: string): Promise<boolean> {
    const account = accountKeyOf(email);
    const [, waiting] = await Promise.all([
      this.attempts.record('reset-client', client, this.client),
      this.attempts.remainingDelayMs('reset-account', account),
    ]);
    if (waiting > 0) return false;
    await this.attempts.record('reset-account', account, this.client);
    return true;
  }

  /** Forgets the counts kept about an erased account (its addresses and its id). */
  async forgetAccount(userId: string, emails: string[]): Promise<void> {
    await this.attempts.clearSubjects([userId, ...emails.map(accountKeyOf)]);
  }

  async recordRegistration(client: string): Promise<void> {
    await this.attempts.record('register-client', client, this.client);
  }

  /** Before checking a password: waits out the account's delay, if it has one. */
  async waitForAccount(email: string): Promise<void> {
    const remaining = await this.attempts.remainingDelayMs('login-account', accountKeyOf(email));
    if (remaining > 0) await sleep(Math.min(remaining, this.account.maxDelayMs));
  }

  async recordLoginFailure(email: string, client: string): Promise<void> {
    await Promise.all([
      this.attempts.record('login-client', client, this.client),
      this.attempts.record('login-account', accountKeyOf(email), this.account),
    ]);
  }

  /** The owner got in: the account's count starts again (the client's does not: one valid account must not buy guesses). */
  async recordLoginSuccess(email: string): Promise<void> {
    await this.attempts.clear('login-account' satisfies AttemptScope, accountKeyOf(email));
  }
}

/** The routes whose callers are counted by client address. */
export type ClientScope = 'login' | 'register' | 'reset';

/** Accounts are counted by a hash of the normalised e-mail: unknown addresses too, without storing them. */
function accountKeyOf(email: string): string {
  return createHash('sha256').update(email).digest('base64url');
}

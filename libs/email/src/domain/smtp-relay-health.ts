import { TypedConfigService } from '@coursehub/core';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { EmailEnv } from '../email.env';
import { retryDelayMs } from './smtp-failures';

/**
 * The SMTP relay's state as the delivery worker's real sends saw it (no probe logs in to the relay):
 * after a relay-wide failure the worker pauses, with capped exponential backoff, and then probes
 * with one e-mail at a time until a send goes through. Reported on `/health/dependencies` (and the
 * `coursehub_dependency_up{dependency="smtp"}` gauge), never in readiness: MongoDB is what the service needs.
 */
@Injectable()
export class SmtpRelayHealth {
  private readonly baseMs: number;
  private readonly maxMs: number;
  private consecutiveFailures = 0;
  private pausedUntil = 0;
  private lastError: string | null = null;
  private lastSentAt: Date | null = null;
  private downSince: Date | null = null;

  constructor(@Inject(ConfigService) env: TypedConfigService<EmailEnv>) {
    this.baseMs = env.get('EMAIL_RELAY_RETRY_BASE_MS', { infer: true });
    this.maxMs = env.get('EMAIL_RELAY_RETRY_MAX_MS', { infer: true });
  }

  /** True from a relay-wide failure until the next accepted e-mail. */
  get isDown(): boolean {
    return this.consecutiveFailures > 0;
  }

  /** How long the worker still waits before it tries the relay again (0: go ahead). */
  pauseRemainingMs(now = Date.now()): number {
    return Math.max(0, this.pausedUntil - now);
  }

  recordSent(): void {
    this.consecutiveFailures = 0;
    this.pausedUntil = 0;
    this.downSince = null;
    this.lastSentAt = new Date();
  }

  /**
   * Records a relay-wide failure and returns the pause before the next try. Failures of sends that
   * were already in flight when the pause began do not lengthen it: one outage, one step of backoff.
   */
  recordRelayFailure(description: string, now = Date.now()): number {
    this.lastError = description;
    this.downSince ??= new Date(now);
    if (now >= this.pausedUntil) {
      this.consecutiveFailures += 1;
      this.pausedUntil = now + retryDelayMs(this.consecutiveFailures, this.baseMs, this.maxMs);
    }
    return this.pausedUntil - now;
  }

  /** The `/health/dependencies` probe: rejects while the relay is failing, with what it answered. */
  check(): Promise<Record<string, unknown>> {
    if (this.isDown) {
      return Promise.reject(
        new Error(`SMTP relay failing since ${this.downSince?.toISOString()}: ${this.lastError}`),
      );
    }
    return Promise.resolve({ lastSentAt: this.lastSentAt?.toISOString() ?? null });
  }
}

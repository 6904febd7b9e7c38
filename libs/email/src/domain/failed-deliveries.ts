import { counter, TypedConfigService } from '@coursehub/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ClaimedEmail, EmailRecordsRepository } from '../data/email-records.repository';
import type { EmailEnv } from '../email.env';
import { classifySmtpFailure, describeSmtpFailure, retryDelayMs } from './smtp-failures';
import { SmtpRelayHealth } from './smtp-relay-health';

/** SMTP delivery attempts by template and outcome, counted by the worker (sent) and here (the rest). */
export const emailDeliveries = () =>
  counter({
    name: 'coursehub_email_deliveries_total',
    help: 'SMTP delivery attempts of e-mails, by template and outcome (sent, relay-unavailable, retry, failed).',
    labelNames: ['template', 'outcome'],
  });

/**
 * What a failed SMTP call does to an e-mail, by the kind of failure (see smtp-failures):
 * - the relay is failing for everyone: the whole worker pauses (SmtpRelayHealth) and the e-mail
 *   waits with its attempt budget untouched; it is never failed for the relay's sake;
 * - the recipient deferred it: retried with backoff, up to EMAIL_MAX_ATTEMPTS deferrals;
 * - the recipient or message was rejected (or the deferrals ran out): `failed`, for an admin to retry.
 */
@Injectable()
export class FailedDeliveries {
  private readonly logger = new Logger(FailedDeliveries.name);
  private readonly deliveries = emailDeliveries();

  constructor(
    private readonly records: EmailRecordsRepository,
    private readonly relay: SmtpRelayHealth,
    @Inject(ConfigService) private readonly env: TypedConfigService<EmailEnv>,
  ) {}

  /** Records the failed attempt of `email`, claimed by `workerId`, and releases its lease. */
  async record(
    email: ClaimedEmail,
    workerId: string,
    error: unknown,
    context: Record<string, unknown>,
  ): Promise<void> {
    const lastError = describeSmtpFailure(error);
    const kind = classifySmtpFailure(error);
    if (kind === 'relay') {
      // The relay is failing for everyone: wait with all e-mails, and keep this one's budget.
      const pauseMs = this.relay.recordRelayFailure(lastError);
      await this.records.settle(email._id, workerId, {
        status: 'pending',
        lastError,
        nextAttemptAt: new Date(Date.now() + pauseMs),
      });
      this.deliveries.inc({ template: email.template, outcome: 'relay-unavailable' });
      this.logger.warn({ ...context, pauseMs, error: lastError }, 'SMTP relay failing, delivery paused');
      return;
    }
    const recipientDeferrals = (email.recipientDeferrals ?? 0) + 1;
    if (kind === 'recipient-deferred' && recipientDeferrals < this.setting('EMAIL_MAX_ATTEMPTS')) {
      const delayMs = retryDelayMs(
        recipientDeferrals,
        this.setting('EMAIL_RETRY_BASE_MS'),
        this.setting('EMAIL_RETRY_MAX_MS'),
      );
      const nextAttemptAt = new Date(Date.now() + delayMs);
      await this.records.settle(email._id, workerId, {
        status: 'pending',
        lastError,
        nextAttemptAt,
        recipientDeferrals,
      });
      this.deliveries.inc({ template: email.template, outcome: 'retry' });
      this.logger.warn(
        { ...context, delayMs, error: lastError },
        'Recipient deferred the e-mail, will retry',
      );
      return;
    }
    await this.records.settle(email._id, workerId, {
      status: 'failed',
      lastError,
      nextAttemptAt: null,
      ...(kind === 'recipient-deferred' ? { recipientDeferrals } : {}),
    });
    this.deliveries.inc({ template: email.template, outcome: 'failed' });
    this.logger.error({ ...context, error: lastError }, 'E-mail delivery failed for good');
  }

  private setting(name: 'EMAIL_MAX_ATTEMPTS' | 'EMAIL_RETRY_BASE_MS' | 'EMAIL_RETRY_MAX_MS'): number {
    return this.env.get(name, { infer: true });
  }
}

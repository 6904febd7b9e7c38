import { runWithCorrelationId, TypedConfigService } from '@coursehub/core';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClaimedEmail, DeliveryOutcome, EmailRecordsRepository } from '../data/email-records.repository';
import type { EmailEnv } from '../email.env';
import { EmailsService } from './emails.service';
import { emailDeliveries, FailedDeliveries } from './failed-deliveries';
import { Mailer } from './mailer';
import { messageIdOf } from './message-id';
import { PersonalEmailDataService } from './personal-email-data.service';
import { retryDelayMs } from './smtp-failures';
import { SmtpRelayHealth } from './smtp-relay-health';

/** Polls between sweeps for e-mails whose recipient arrived without anyone resolving them. */
const SWEEP_EVERY_POLLS = 10;
const SWEEP_BATCH = 50;
/** Retries of the "sent" write while MongoDB is away: short, to land well before the lease expires. */
const RECORD_SENT_RETRY_BASE_MS = 100;
const RECORD_SENT_RETRY_MAX_MS = 2_000;

/**
 * The extra headers of an e-mail: its event id, and for a non-transactional e-mail the one-click
 * unsubscribe of RFC 8058 (mail clients show an "Unsubscribe" button that POSTs to the link).
 */
export function headersOf(email: Pick<ClaimedEmail, 'eventId' | 'unsubscribeUrl'>): Record<string, string> {
  return {
    'X-CourseHub-Event-Id': email.eventId,
    ...(email.unsubscribeUrl
      ? {
          'List-Unsubscribe': `<${email.unsubscribeUrl}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        }
      : {}),
  };
}

/**
 * Sends pending e-mails, at most EMAIL_DELIVERY_CONCURRENCY at a time per replica.
 * - Each e-mail is claimed atomically (EmailRecordsRepository.claimNextDue): it moves to `sending`
 *   with a lease and a counted attempt before the SMTP call, so replicas never send it at once.
 * - Its Message-ID comes from the event id, so any re-send is the same message.
 * - Only the SMTP call decides the outcome. Once the relay accepted, the e-mail IS sent: the write
 *   that records it is retried until MongoDB answers, and if this worker dies first, the lease
 *   expires and the e-mail is sent again with the same Message-ID; it is never marked `failed`.
 * - A failed SMTP call is FailedDeliveries' to record: relay-wide failures pause the whole worker
 *   (SmtpRelayHealth), a deferred recipient is retried with backoff, a rejected one is `failed`.
 */
@Injectable()
export class EmailDeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EmailDeliveryWorker.name);
  private readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly deliveries = emailDeliveries();
  private readonly stopped = new AbortController();
  private readonly settings: { concurrency: number; pollMs: number; leaseMs: number };
  private timer: NodeJS.Timeout | undefined;
  private resumeTimer: NodeJS.Timeout | undefined;
  private polls = 0;
  private pumping: Promise<void> | undefined;
  private pumpRequested = false;

  constructor(
    private readonly records: EmailRecordsRepository,
    private readonly emailsService: EmailsService,
    private readonly personalData: PersonalEmailDataService,
    private readonly mailer: Mailer,
    private readonly relay: SmtpRelayHealth,
    private readonly failures: FailedDeliveries,
    @Inject(ConfigService) env: TypedConfigService<EmailEnv>,
  ) {
    this.settings = {
      concurrency: env.get('EMAIL_DELIVERY_CONCURRENCY', { infer: true }),
      pollMs: env.get('EMAIL_POLL_INTERVAL_MS', { infer: true }),
      leaseMs: env.get('EMAIL_LEASE_MS', { infer: true }),
    };
  }

  onApplicationBootstrap(): void {
    this.emailsService.onRecorded(() => this.kick());
    this.timer = setInterval(() => void this.poll(), this.settings.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Stops claiming and waits for the sends in flight (bounded by SMTP_TIMEOUT_MS) before Mongo closes. */
  async onModuleDestroy(): Promise<void> {
    this.stopped.abort();
    clearInterval(this.timer);
    clearTimeout(this.resumeTimer);
    // A claim in progress ends first (and is given back, see pump), then the sends it started.
    await this.pumping;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Look for due e-mails now. Cheap to call often: concurrent calls coalesce into one pass. */
  kick(): void {
    void this.pump();
  }

  private get stopping(): boolean {
    return this.stopped.signal.aborted;
  }

  private async poll(): Promise<void> {
    this.polls += 1;
    if (this.polls % SWEEP_EVERY_POLLS === 0) {
      try {
        for (const userId of await this.emailsService.usersWithWaitingEmails(SWEEP_BATCH)) {
          await this.emailsService.resolveWaitingFor(userId);
        }
      } catch (error) {
        this.logger.warn({ err: error }, 'Sweep of e-mails waiting for a recipient failed');
      }
    }
    await this.pump();
  }

  /** While the relay is failing, one e-mail at a time probes it; otherwise the configured concurrency. */
  private get slots(): number {
    return this.relay.isDown ? 1 : this.settings.concurrency;
  }

  private pump(): Promise<void> {
    if (this.pumping) {
      this.pumpRequested = true;
      return this.pumping;
    }
    this.pumping = this.claimAndDeliver().finally(() => {
      this.pumping = undefined;
    });
    return this.pumping;
  }

  private async claimAndDeliver(): Promise<void> {
    try {
      do {
        this.pumpRequested = false;
        while (!this.stopping && this.inFlight.size < this.slots && !this.pausedForRelay()) {
          const email = await this.records.claimNextDue(this.workerId, this.settings.leaseMs);
          if (!email) break;
          if (this.stopping) {
            // Claimed while the app began to stop: give it back now rather than leave it leased
            // (and unsent) until the lease runs out after the next start.
            await this.settle(email, {
              status: 'pending',
              lastError: email.lastError,
              nextAttemptAt: new Date(),
            });
            break;
          }
          const delivery: Promise<void> = this.deliver(email).finally(() => {
            this.inFlight.delete(delivery);
            this.kick();
          });
          this.inFlight.add(delivery);
        }
      } while (this.pumpRequested && !this.stopping);
    } catch (error) {
      // MongoDB unreachable: the next poll tries again; readiness reports the outage.
      this.logger.warn({ err: error }, 'Claiming pending e-mails failed');
    }
  }

  /** True while the relay backoff runs; the worker then resumes by itself when it ends. */
  private pausedForRelay(): boolean {
    const remainingMs = this.relay.pauseRemainingMs();
    if (remainingMs > 0 && !this.resumeTimer) {
      this.resumeTimer = setTimeout(() => {
        this.resumeTimer = undefined;
        this.kick();
      }, remainingMs);
      this.resumeTimer.unref();
    }
    return remainingMs > 0;
  }

  private deliver(email: ClaimedEmail): Promise<void> {
    const context = {
      emailId: String(email._id),
      eventId: email.eventId,
      template: email.template,
      attempt: email.attempts,
    };
    return runWithCorrelationId(email.correlationId ?? email.eventId, async () => {
      const messageId = messageIdOf(email);
      // Only the SMTP call belongs in this try: a failing write after it must not turn a sent
      // e-mail into a failed one (an admin retry would then send it twice).
      try {
        await this.mailer.send({
          messageId,
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          headers: headersOf(email),
        });
      } catch (error) {
        await this.failures.record(email, this.workerId, error, context);
        return;
      }
      const sentAt = new Date();
      this.relay.recordSent();
      this.deliveries.inc({ template: email.template, outcome: 'sent' });
      // One line per e-mail would drown the log (demo seeding alone sends hundreds); the volume is
      // the deliveries counter's, retries and failures stay at warn.
      this.logger.debug({ ...context, messageId }, 'E-mail sent');
      if (await this.recordSent(email, { sentAt, messageId }, context)) {
        await this.personalData.afterSent(email).catch((error: unknown) => {
          this.logger.error({ err: error, ...context }, 'Could not delete or redact a sent e-mail');
        });
      }
    }).catch((error: unknown) => {
      // Recording a failed attempt failed (MongoDB down): nothing was sent, the lease expires and
      // the e-mail is tried again.
      this.logger.error({ err: error, ...context }, 'Could not record the delivery outcome');
    });
  }

  /**
   * Writes `sent`, retrying while MongoDB is away. Gives up only when the app stops: the lease then
   * expires and the e-mail is sent again under the same Message-ID.
   */
  private async recordSent(
    email: ClaimedEmail,
    sent: { sentAt: Date; messageId: string },
    context: Record<string, unknown>,
  ): Promise<boolean> {
    for (let failures = 1; ; failures++) {
      try {
        await this.records.markSent(email._id, sent);
        if (failures > 1) this.logger.log({ ...context, failures }, 'Sent e-mail recorded after retries');
        return true;
      } catch (error) {
        if (failures === 1) {
          this.logger.warn({ err: error, ...context }, 'Could not record a sent e-mail, retrying');
        }
        const delayMs = retryDelayMs(failures, RECORD_SENT_RETRY_BASE_MS, RECORD_SENT_RETRY_MAX_MS);
        const stopped = await sleep(delayMs, false, { signal: this.stopped.signal }).catch(() => true);
        if (stopped) {
          this.logger.error(
            { ...context, messageId: sent.messageId },
            'Stopping before a sent e-mail was recorded: it is re-sent with the same Message-ID after its lease',
          );
          return false;
        }
      }
    }
  }

  /** Writes the outcome and releases the lease, only while this worker still holds it. */
  private settle(email: ClaimedEmail, outcome: DeliveryOutcome): Promise<void> {
    return this.records.settle(email._id, this.workerId, outcome);
  }
}

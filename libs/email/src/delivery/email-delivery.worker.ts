import { counter, runWithCorrelationId } from '@coursehub/core';
import { ConfigService } from '@nestjs/config';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { EMAIL_CONNECTION } from '../email.constants';
import type { EmailEnv } from '../email.env';
import { EmailsService } from '../emails.service';
import { describeSmtpFailure, isTransientSmtpFailure, Mailer, retryDelayMs } from '../mailer';
import { EmailRecord } from '../schemas';

/** A claimed e-mail always has its recipient and rendered parts (the claim filter requires `to`). */
type ClaimedEmail = EmailRecord & { to: string; subject: string; text: string; html: string };

/** Polls between sweeps for e-mails whose recipient arrived without anyone resolving them. */
const SWEEP_EVERY_POLLS = 10;
const SWEEP_BATCH = 50;

const emailDeliveries = () =>
  counter({
    name: 'coursehub_email_deliveries_total',
    help: 'SMTP delivery attempts of e-mails, by template and outcome (sent, retry, failed).',
    labelNames: ['template', 'outcome'],
  });

/**
 * Sends pending e-mails, at most EMAIL_DELIVERY_CONCURRENCY at a time per replica. Each e-mail is
 * claimed with one findOneAndUpdate (due, not leased by anyone) that sets a lease and counts the
 * attempt, so replicas never send the same e-mail twice at once, and the claim of a replica that
 * died mid-send expires after EMAIL_LEASE_MS. Transient SMTP failures come back after an
 * exponential backoff with jitter until EMAIL_MAX_ATTEMPTS, then the e-mail is `failed`.
 */
@Injectable()
export class EmailDeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EmailDeliveryWorker.name);
  private readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly deliveries = emailDeliveries();
  private readonly settings: {
    concurrency: number;
    pollMs: number;
    leaseMs: number;
    maxAttempts: number;
    retryBaseMs: number;
    retryMaxMs: number;
  };
  private timer: NodeJS.Timeout | undefined;
  private polls = 0;
  private pumping = false;
  private pumpRequested = false;
  private stopping = false;

  constructor(
    @InjectModel(EmailRecord.name, EMAIL_CONNECTION) private readonly emails: Model<EmailRecord>,
    private readonly emailsService: EmailsService,
    private readonly mailer: Mailer,
    config: ConfigService<EmailEnv, true>,
  ) {
    const env = config;
    this.settings = {
      concurrency: env.get('EMAIL_DELIVERY_CONCURRENCY', { infer: true }),
      pollMs: env.get('EMAIL_POLL_INTERVAL_MS', { infer: true }),
      leaseMs: env.get('EMAIL_LEASE_MS', { infer: true }),
      maxAttempts: env.get('EMAIL_MAX_ATTEMPTS', { infer: true }),
      retryBaseMs: env.get('EMAIL_RETRY_BASE_MS', { infer: true }),
      retryMaxMs: env.get('EMAIL_RETRY_MAX_MS', { infer: true }),
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
    this.stopping = true;
    clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  /** Look for due e-mails now. Cheap to call often: concurrent calls coalesce into one pass. */
  kick(): void {
    void this.pump();
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

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpRequested = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpRequested = false;
        while (!this.stopping && this.inFlight.size < this.settings.concurrency) {
          const email = await this.claimNext();
          if (!email) break;
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
    } finally {
      this.pumping = false;
    }
  }

  private async claimNext(): Promise<ClaimedEmail | null> {
    const now = new Date();
    const claimed = await this.emails
      .findOneAndUpdate(
        {
          status: 'pending',
          to: { $ne: null },
          nextAttemptAt: { $lte: now },
          $or: [{ leaseExpiresAt: null }, { leaseExpiresAt: { $lte: now } }],
        },
        {
          $set: {
            leaseOwner: this.workerId,
            leaseExpiresAt: new Date(now.getTime() + this.settings.leaseMs),
          },
          $inc: { attempts: 1 },
        },
        { sort: { nextAttemptAt: 1 }, returnDocument: 'after', timestamps: false },
      )
      .lean();
    return claimed as ClaimedEmail | null;
  }

  private deliver(email: ClaimedEmail): Promise<void> {
    return runWithCorrelationId(email.correlationId ?? email.eventId, async () => {
      const context = {
        emailId: String(email._id),
        eventId: email.eventId,
        template: email.template,
        attempt: email.attempts,
      };
      try {
        const messageId = await this.mailer.send({
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          headers: { 'X-CourseHub-Event-Id': email.eventId },
        });
        await this.settle(email, {
          status: 'sent',
          sentAt: new Date(),
          providerMessageId: messageId,
          nextAttemptAt: null,
        });
        this.deliveries.inc({ template: email.template, outcome: 'sent' });
        this.logger.log({ ...context, messageId }, 'E-mail sent');
      } catch (error) {
        const lastError = describeSmtpFailure(error);
        if (isTransientSmtpFailure(error) && email.attempts < this.settings.maxAttempts) {
          const delayMs = retryDelayMs(email.attempts, this.settings.retryBaseMs, this.settings.retryMaxMs);
          await this.settle(email, { lastError, nextAttemptAt: new Date(Date.now() + delayMs) });
          this.deliveries.inc({ template: email.template, outcome: 'retry' });
          this.logger.warn({ ...context, delayMs, error: lastError }, 'E-mail delivery failed, will retry');
        } else {
          await this.settle(email, { status: 'failed', lastError, nextAttemptAt: null });
          this.deliveries.inc({ template: email.template, outcome: 'failed' });
          this.logger.error({ ...context, error: lastError }, 'E-mail delivery failed for good');
        }
      }
    }).catch((error: unknown) => {
      // Recording the outcome failed (MongoDB down): the lease expires and the e-mail is tried again.
      this.logger.error({ err: error, emailId: String(email._id) }, 'Could not record the delivery outcome');
    });
  }

  /** Writes the outcome and releases the lease, only while this worker still holds it. */
  private async settle(email: ClaimedEmail, changes: Partial<EmailRecord>): Promise<void> {
    await this.emails.updateOne(
      { _id: email._id, leaseOwner: this.workerId },
      { $set: { ...changes, leaseOwner: null, leaseExpiresAt: null } },
    );
  }
}

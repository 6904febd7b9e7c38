import { envBoolean } from '@coursehub/core';
import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();

/**
 * Variables of the e-mail feature (MongoDB record store, SMTP delivery, retry policy). MONGO_URL and
 * SMTP_URL have defaults, so they may be absent; the `mongoUrl`/`smtpUrl` options of
 * `EmailModule.register` override them (the platform hands in its embedded MongoDB and SMTP sink).
 */
export const emailEnvSchema = z.object({
  /** MongoDB of the e-mail service; the database in the path is used. Overridden by `mongoUrl`. */
  MONGO_URL: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'expected a mongodb:// or mongodb+srv:// URL')
    .default('mongodb://127.0.0.1:27017/coursehub_email'),
  /** How long a MongoDB operation waits for a reachable server before it fails (and is retried). */
  MONGO_SERVER_SELECTION_TIMEOUT_MS: positiveInt.default(5_000),
  /** SMTP relay, e.g. smtp://user:pass@host:587 (smtps:// for implicit TLS). Overridden by `smtpUrl`. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected an smtp:// or smtps:// URL')
    .default('smtp://127.0.0.1:1025'),
  /** Implicit TLS (port 465 style); unset = derived from the URL scheme (smtps:// ⇒ true). */
  SMTP_SECURE: envBoolean.optional(),
  /** Refuse to send without STARTTLS (for relays on 587 that must never see plain text credentials). */
  SMTP_REQUIRE_TLS: envBoolean.default(false),
  /** Verify the relay's TLS certificate; only turn off for a self-signed relay in a lab. */
  SMTP_TLS_REJECT_UNAUTHORIZED: envBoolean.default(true),
  /** Connection, greeting and socket timeout of one SMTP exchange. */
  SMTP_TIMEOUT_MS: positiveInt.default(10_000),
  MAIL_FROM: z.string().min(3).default('CourseHub <no-reply@coursehub.local>'),
  /**
   * Attempts of an e-mail whose recipient is deferred (a 4xx to RCPT TO, e.g. mailbox full) before it
   * is `failed`. Failures of the relay itself (down, 4xx, bad credentials) never count: they are
   * retried without limit (see EMAIL_RELAY_RETRY_*).
   */
  EMAIL_MAX_ATTEMPTS: positiveInt.max(50).default(5),
  /** Backoff after a deferred recipient; doubles per attempt (with jitter) up to EMAIL_RETRY_MAX_MS. */
  EMAIL_RETRY_BASE_MS: positiveInt.default(30_000),
  EMAIL_RETRY_MAX_MS: positiveInt.default(30 * 60_000),
  /**
   * Pause of the whole worker after the relay failed; doubles (with jitter) per failed probe up to
   * EMAIL_RELAY_RETRY_MAX_MS, so a relay outage costs one attempt per pause, not one per e-mail.
   */
  EMAIL_RELAY_RETRY_BASE_MS: positiveInt.default(1_000),
  EMAIL_RELAY_RETRY_MAX_MS: positiveInt.default(60_000),
  /** E-mails one replica sends at the same time. */
  EMAIL_DELIVERY_CONCURRENCY: positiveInt.max(100).default(4),
  /** How often the delivery worker looks for due e-mails (new ones are also sent right away). */
  EMAIL_POLL_INTERVAL_MS: positiveInt.default(1_000),
  /**
   * How long a claimed (`sending`) e-mail belongs to one worker. A worker that dies, or cannot record
   * the send, leaves it to expire; then it is sent again with the same Message-ID.
   */
  EMAIL_LEASE_MS: positiveInt.default(120_000),
  /**
   * Key of the HMAC that signs the one-click unsubscribe links (List-Unsubscribe) of
   * non-transactional e-mails; at least 32 characters, e.g. `openssl rand -base64 48`. Required
   * when NODE_ENV=production; elsewhere one is generated once into DATA_DIR/email/. Changing it
   * invalidates the links of e-mails already sent.
   */
  EMAIL_UNSUBSCRIBE_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
});

export type EmailEnv = z.infer<typeof emailEnvSchema>;

import { envDurationMs } from '@coursehub/core';
import { z } from 'zod';

/** Variables of the auth feature (token issuing, first admin, throttling, account e-mail links); JWT_ISSUER/AUDIENCE come from core. */
export const authEnvSchema = z.object({
  /** RS256 private key as PEM (`\n` escapes allowed): the current signing key. Required in production unless JWT_PRIVATE_KEY_FILE is set. */
  JWT_PRIVATE_KEY: z.string().min(1).optional(),
  JWT_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  /**
   * More public keys to publish in the JWKS and accept, as concatenated PEM blocks (`\n` escapes
   * allowed): the previous signing key after a rotation, or the next one before it (see README).
   */
  JWT_PREVIOUS_PUBLIC_KEYS: z.string().min(1).optional(),
  JWT_PREVIOUS_PUBLIC_KEYS_FILE: z.string().min(1).optional(),
  /** Access token lifetime in seconds. */
  JWT_ACCESS_TOKEN_TTL: z.coerce.number().int().min(30).max(86_400).default(900),
  /** Refresh token lifetime in seconds. */
  REFRESH_TOKEN_TTL: z.coerce
    .number()
    .int()
    .min(60)
    .default(30 * 86_400),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(10).optional(),
  /**
   * Free attempts per AUTH_THROTTLE_WINDOW_MS: failed logins per client (IPv4 address, IPv6 /64)
   * and per account, registrations per client. Beyond them, delays double from AUTH_THROTTLE_BASE_DELAY_MS.
   */
  AUTH_THROTTLE_LIMIT: z.coerce.number().int().positive().default(10),
  /** How long after its last attempt a client's or account's count is forgotten. */
  AUTH_THROTTLE_WINDOW_MS: envDurationMs.default(15 * 60_000),
  AUTH_THROTTLE_BASE_DELAY_MS: envDurationMs.default(5_000),
  /** The longest a client is refused (429 + Retry-After). */
  AUTH_THROTTLE_MAX_CLIENT_DELAY_MS: envDurationMs.default(15 * 60_000),
  /** The longest a login to an attacked account is held back (never refused: no lockout of the owner). */
  AUTH_THROTTLE_MAX_ACCOUNT_DELAY_MS: envDurationMs.default(10_000),
  /** How long the link of a verification e-mail (registration, address change) works. */
  EMAIL_VERIFICATION_TTL_MS: envDurationMs.default(24 * 60 * 60_000),
  /** How long the link of a password reset e-mail works. */
  RESET_LINK_TTL_MS: envDurationMs.default(30 * 60_000),
  /** argon2id parameters (OWASP: m = 19 MiB, t = 2, p = 1); hashes with others are upgraded at login. */
  AUTH_ARGON2_MEMORY_KIB: z.coerce.number().int().min(1024).max(4_194_304).default(19_456),
  AUTH_ARGON2_TIME_COST: z.coerce.number().int().min(1).max(100).default(2),
  AUTH_ARGON2_PARALLELISM: z.coerce.number().int().min(1).max(16).default(1),
});

export type AuthEnv = z.infer<typeof authEnvSchema>;

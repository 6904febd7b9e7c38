import { z } from 'zod';

/** Booleans in the environment: only the spellings people actually use, never "any non-empty string". */
export const envBoolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** A comma-separated list, trimmed, empty items dropped. */
export const envList = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

export const envDurationMs = z.coerce.number().int().positive();

export const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL');

/** Variables every CourseHub process reads. */
export const coreEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Write logs to this file instead of stdout. */
  LOG_FILE: z.string().min(1).optional(),
  /** Comma-separated origins allowed by CORS; empty disables CORS, `*` allows any origin. */
  CORS_ORIGINS: envList.default([]),
  /** How long SIGTERM waits for in-flight work before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: envDurationMs.default(10_000),
  /**
   * Whose X-Forwarded-For to believe for the client address (logs, per-IP throttling): `false`
   * (no one: direct exposure), `true` (any hop), a hop count such as `1` behind one ingress, or
   * comma-separated proxy addresses/CIDRs. Trusting more than the real proxies lets any client
   * choose its own address.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .min(1)
    .default('false')
    .transform((value): boolean | number | string[] => {
      if (value === 'true' || value === 'false') return value === 'true';
      if (/^\d+$/.test(value)) return Number(value);
      return value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    }),
  /** Per-caller limits of `@RateLimit()` routes, counted per replica; generous by default. */
  RATE_LIMIT_WINDOW_MS: envDurationMs.default(60_000),
  /** POST /orders per user. */
  ORDERS_RATE_LIMIT: z.coerce.number().int().positive().default(60),
  /** GET /courses (search and listing) per user, or per client address when anonymous. */
  SEARCH_RATE_LIMIT: z.coerce.number().int().positive().default(3_000),
  /** Directory for local state (generated dev keys, embedded databases). */
  DATA_DIR: z.string().min(1).default('./data'),
  /**
   * Where people reach this deployment (the ingress, or the platform itself): the base of the
   * links in e-mails (verification, password reset, certificates, unsubscribe). Defaults to
   * `http://localhost:$PORT`, right for the platform on a laptop and wrong anywhere else.
   */
  PUBLIC_URL: z.url().optional(),
});

/** The base URL for links people open, without a trailing slash. */
export function publicUrlOf(env: { PUBLIC_URL?: string; PORT: number }): string {
  return (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
}

/** Variables of a service that verifies access tokens but does not issue them. */
export const jwtVerifierEnvSchema = z.object({
  JWT_ISSUER: z.string().min(1).default('coursehub-auth'),
  JWT_AUDIENCE: z.string().min(1).default('coursehub'),
  /** Where the auth service publishes its public keys, e.g. http://auth:3000/auth/.well-known/jwks.json */
  JWT_JWKS_URL: z.url().optional(),
  /** At most one fetch of the JWKS per this period, whatever kids tokens name (unknown kids wait for it). */
  JWT_JWKS_COOLDOWN_MS: envDurationMs.default(30_000),
  /** Cached keys older than this are refreshed in the background (and served meanwhile, even while the endpoint is down). */
  JWT_JWKS_MAX_AGE_MS: envDurationMs.default(10 * 60_000),
  /** Alternatively, the auth service's public key as PEM (`\n` escapes allowed). */
  JWT_PUBLIC_KEY: z.string().min(1).optional(),
});

export const databaseEnvSchema = z.object({
  DATABASE_URL: postgresUrl.default('postgres://postgres@127.0.0.1:5432/coursehub'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Connection and statement timeout; a database that does not answer in time counts as down. */
  DATABASE_TIMEOUT_MS: envDurationMs.default(5_000),
  /**
   * `run`: the app migrates its database at start (under an advisory lock). `skip`: a separate
   * step (the Helm pre-upgrade Job) does, so the app's database user needs no DDL rights; the app
   * then refuses to start while migrations are pending.
   */
  DATABASE_MIGRATIONS: z.enum(['run', 'skip']).default('run'),
});

export type CoreEnv = z.infer<typeof coreEnvSchema>;
export type RateLimitEnv = Pick<CoreEnv, 'RATE_LIMIT_WINDOW_MS' | 'ORDERS_RATE_LIMIT' | 'SEARCH_RATE_LIMIT'>;
export type JwtVerifierEnv = z.infer<typeof jwtVerifierEnvSchema>;
export type DatabaseEnv = z.infer<typeof databaseEnvSchema>;

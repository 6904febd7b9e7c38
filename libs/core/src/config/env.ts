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
  /** Directory for local state (generated dev keys, embedded databases). */
  DATA_DIR: z.string().min(1).default('./data'),
});

/** Variables of a service that verifies access tokens but does not issue them. */
export const jwtVerifierEnvSchema = z.object({
  JWT_ISSUER: z.string().min(1).default('coursehub-auth'),
  JWT_AUDIENCE: z.string().min(1).default('coursehub'),
  /** Where the auth service publishes its public keys, e.g. http://auth:3000/auth/.well-known/jwks.json */
  JWT_JWKS_URL: z.url().optional(),
  /** Alternatively, the auth service's public key as PEM (`\n` escapes allowed). */
  JWT_PUBLIC_KEY: z.string().min(1).optional(),
});

export const databaseEnvSchema = z.object({
  DATABASE_URL: postgresUrl.default('postgres://postgres@127.0.0.1:5432/coursehub'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Connection and statement timeout; a database that does not answer in time counts as down. */
  DATABASE_TIMEOUT_MS: envDurationMs.default(5_000),
});

export type CoreEnv = z.infer<typeof coreEnvSchema>;
export type JwtVerifierEnv = z.infer<typeof jwtVerifierEnvSchema>;
export type DatabaseEnv = z.infer<typeof databaseEnvSchema>;

import { envDurationMs } from '@coursehub/core';
import { z } from 'zod';

/** Variables of the auth feature (token issuing, first admin, throttling); JWT_ISSUER/AUDIENCE come from core. */
export const authEnvSchema = z.object({
  /** RS256 private key as PEM (`\n` escapes allowed). Required in production unless JWT_PRIVATE_KEY_FILE is set. */
  JWT_PRIVATE_KEY: z.string().min(1).optional(),
  JWT_PRIVATE_KEY_FILE: z.string().min(1).optional(),
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
  /** Login/register attempts allowed per window, per client IP and per e-mail address. */
  AUTH_THROTTLE_LIMIT: z.coerce.number().int().positive().default(10),
  AUTH_THROTTLE_WINDOW_MS: envDurationMs.default(60_000),
});

export type AuthEnv = z.infer<typeof authEnvSchema>;

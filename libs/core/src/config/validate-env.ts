import { z } from 'zod';
import { displayableValue, redactSecrets } from './redact-secrets';

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

function describeIssue(issue: z.core.$ZodIssue, env: Record<string, unknown>): string {
  const variable = issue.path.join('.') || '(environment)';
  const received = env[variable];
  // Never echo a secret: a malformed DATABASE_URL still carries its password.
  const shown = received === undefined ? 'it is not set' : `got ${displayableValue(variable, received)}`;
  return `${variable}: ${redactSecrets(issue.message.replace(/^Invalid input: /, ''))} (${shown})`;
}

/**
 * Parses the environment with a zod schema. Every problem names its variable and what was
 * expected, so a bad deployment fails at start with a message an operator can act on.
 */
export function parseEnv<Schema extends z.ZodType>(
  schema: Schema,
  env: Record<string, unknown> = process.env,
): z.infer<Schema> {
  // Empty strings mean "unset" (compose files and Helm charts often render `FOO=`).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new InvalidEnvironmentError(result.error.issues.map((issue) => describeIssue(issue, cleaned)));
  }
  return result.data;
}

import { QueryFailedError } from 'typeorm';

/** PostgreSQL's unique_violation (23505), optionally of one named constraint or index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' && (constraint === undefined || driverError.constraint === constraint);
}

/**
 * Runs `write`; when it violates the unique constraint `constraint`, the result of `onViolation`
 * instead (which may throw a domain error). Any other error passes through.
 */
export async function onUniqueViolation<T, U>(
  constraint: string,
  write: () => Promise<T>,
  onViolation: () => U,
): Promise<T | U> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error, constraint)) return onViolation();
    throw error;
  }
}

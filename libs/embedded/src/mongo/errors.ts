/** A command failure that the server reports as `{ ok: 0, errmsg, code, codeName }`, like mongod does. */
export class CommandError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CommandError';
  }

  toReply(): Record<string, unknown> {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }

  /** The entry of a `writeErrors` array for the statement at `index`. */
  toWriteError(index: number): Record<string, unknown> {
    return { index, code: this.code, errmsg: this.message, ...this.extra };
  }
}

export const badValue = (message: string): CommandError => new CommandError(2, 'BadValue', message);
export const failedToParse = (message: string): CommandError => new CommandError(9, 'FailedToParse', message);
export const typeMismatch = (message: string): CommandError => new CommandError(14, 'TypeMismatch', message);
export const namespaceNotFound = (message: string): CommandError =>
  new CommandError(26, 'NamespaceNotFound', message);
export const invalidNamespace = (message: string): CommandError =>
  new CommandError(73, 'InvalidNamespace', message);

/** Errors thrown by mingo (unknown operator, conflicting update paths, ...) reported as mongod would. */
export function asCommandError(error: unknown): CommandError {
  if (error instanceof CommandError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/would create a conflict/.test(message))
    return new CommandError(40, 'ConflictingUpdateOperators', message);
  if (/^Unknown (update|pipeline) operator/.test(message)) return failedToParse(message);
  return badValue(message);
}

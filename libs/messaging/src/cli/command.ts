import type { CommandEnv, CommandIo } from './command-io';

/**
 * A command-line tool of this library: its arguments, the environment it reads (process.env by
 * default) and where it writes (stdout/stderr by default) in, its exit code out. Tests call it
 * with their own environment and a buffer.
 */
export type Command = (argv: string[], env?: CommandEnv, io?: CommandIo) => Promise<number>;

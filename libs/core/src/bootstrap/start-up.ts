import { createServer } from 'node:net';
import { InvalidEnvironmentError, coreEnvSchema, parseEnv } from '../config';

/**
 * A start-up failure whose message says everything an operator needs (what is wrong, what to do):
 * printed as it is, without a stack trace.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** Errors whose message is the whole story (configuration, a held data directory, a busy port). */
const SELF_EXPLAINING_ERRORS = new Set(['StartupError', 'InvalidEnvironmentError', 'DataDirLockedError']);

/** The one line a failed start-up prints: the message, plus the stack only for an unexpected error. */
export function describeStartupFailure(error: unknown): { message: string; stack?: string } {
  if (!(error instanceof Error)) return { message: String(error) };
  if (error instanceof InvalidEnvironmentError || SELF_EXPLAINING_ERRORS.has(error.name)) {
    return { message: error.message };
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    // A listener that lost a race after the early check (or a port below 1024).
    return { message: error.message };
  }
  return { message: error.message, stack: error.stack };
}

function configuredListener(env: Record<string, string | undefined>): { port: number; host: string } {
  const { PORT, HOST } = parseEnv(
    coreEnvSchema.pick({ PORT: true, HOST: true }),
    env as Record<string, unknown>,
  );
  return { port: PORT, host: HOST };
}

/**
 * Fails at once, before anything is started, when the HTTP port is taken: "port 3000 is in use —
 * set PORT". Port 0 (any free port) always passes. Binds and closes a probe listener on the
 * configured HOST, the same way `listen` will.
 */
export async function assertPortAvailable(
  listenOn?: { port: number; host: string },
  env: Record<string, string | undefined> = process.env,
): Promise<void> {
  const { port, host } = listenOn ?? configuredListener(env);
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new StartupError(
            `port ${port} is in use — set PORT to a free port (or stop what listens on ${port})`,
          ),
        );
      } else if (error.code === 'EACCES') {
        reject(
          new StartupError(`port ${port} needs privileges this process lacks — set PORT to 1024 or above`),
        );
      } else if (error.code === 'EADDRNOTAVAIL') {
        reject(
          new StartupError(`HOST ${host} is not an address of this machine — set HOST (0.0.0.0 for all)`),
        );
      } else {
        reject(error);
      }
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** V8's `gc()`, present when node runs with `--expose-gc` (every app does: APP_RUNTIME in @coursehub/testing). */
type ExposedGc = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/**
 * Returns start-up's garbage to the operating system: one memory-reducing collection (V8's
 * "last resort" flavour: compacts and releases the freed pages) just before the app listens.
 * Loading modules, wiring the features, running migrations and building the OpenAPI document
 * grow the heap by tens of MiB that V8 would otherwise keep until it finds the app idle, and it
 * may not (measured on a restarted platform: RSS 350 → 290 MiB; the collection takes ~150 ms,
 * once). Without `--expose-gc` nothing happens.
 */
export function releaseStartupGarbage(): void {
  (globalThis as { gc?: ExposedGc }).gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

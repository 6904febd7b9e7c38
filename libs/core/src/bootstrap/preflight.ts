import { enableCompileCache } from 'node:module';
import { createServer } from 'node:net';

/**
 * The checks that must fail before anything heavy loads (Nest, the features, PGlite take seconds):
 * only Node built-ins here, and this file is a public entry of its own
 * (`@coursehub/core/preflight`) so an app's `main.ts` can run it before importing the barrel.
 * `startApp` checks the port again (assertPortAvailable) for every app.
 */
export async function portInUseMessage(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const port = Number(env.PORT || 3000);
  const host = env.HOST || '0.0.0.0';
  // A malformed PORT is reported by the environment validation, with the other variables.
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  return new Promise((resolve) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      resolve(
        error.code === 'EADDRINUSE'
          ? `port ${port} is in use — set PORT to a free port (or stop what listens on ${port})`
          : error.code === 'EACCES'
            ? `port ${port} needs privileges this process lacks — set PORT to 1024 or above`
            : undefined,
      ),
    );
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
}

/** Prints the one start-up failure line (as runMain does) and exits 1. */
export function failStartup(message: string): void {
  const line = process.stderr.isTTY
    ? `Start-up failed: ${message}`
    : JSON.stringify({ level: 60, time: Date.now(), msg: `Start-up failed: ${message}` });
  process.stderr.write(`${line}\n`, () => process.exit(1));
}

/**
 * An app's entry: reports a busy port within milliseconds, else calls `start`, which loads the
 * app (a `require` of its root file, so Nest and the features load only once the port is free).
 */
export function startAfterPreflight(start: () => void): void {
  // Node 22.1+ keeps the V8 code of every module it loads on disk (in the OS temporary directory,
  // or NODE_COMPILE_CACHE): later starts skip compiling Nest, the features and their libraries.
  enableCompileCache?.();
  void portInUseMessage(process.env).then((problem) => (problem ? failStartup(problem) : start()));
}

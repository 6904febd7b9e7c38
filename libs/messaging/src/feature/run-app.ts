import { createHttpApp, HttpAppOptions, listen } from '@coursehub/core';
import { Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connectMessaging } from '../messaging.module';

export interface StartAppOptions extends HttpAppOptions {
  /** Listen here instead of HOST/PORT (tests: port 0 on the loopback). */
  listenOn?: { port: number; host: string };
}

/** Creates the HTTP app of a root module, attaches its message consumer and starts listening. */
export async function startApp(
  rootModule: Type,
  options: StartAppOptions,
): Promise<{ app: NestFastifyApplication; url: string }> {
  const app = await createHttpApp(rootModule, options);
  try {
    connectMessaging(app);
    await app.startAllMicroservices();
    const url = await listen(app, options.listenOn);
    return { app, url: url.replace('[::1]', '127.0.0.1') };
  } catch (error) {
    // A start-up that failed half-way (a refused seed, an unreachable broker) has already opened
    // pools, consumers and timers; closing the app stops them, or a caller that keeps running
    // (a test, a supervisor retrying) would keep them alive. The start-up error is what matters.
    await app.close().catch(() => undefined);
    throw error;
  }
}

/**
 * A `main.ts` entry: runs `start` and turns a start-up failure into one log line and exit code 1
 * (a bare `void bootstrap()` would leave it an unhandled rejection).
 */
export function runMain(start: () => Promise<unknown>): void {
  start().catch((error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', time: Date.now(), msg: `Start-up failed: ${message}` })}\n`,
    );
    process.exit(1);
  });
}

import {
  assertPortAvailable,
  createHttpApp,
  describeStartupFailure,
  HttpAppOptions,
  listen,
} from '@coursehub/core';
import { ConsoleLogger, Logger, Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connectMessaging } from '../messaging.module';

export interface StartAppOptions extends HttpAppOptions {
  /** Listen here instead of HOST/PORT (tests: port 0 on the loopback). */
  listenOn?: { port: number; host: string };
  /** The environment HOST/PORT come from for the early port check (`process.env` by default). */
  env?: Record<string, string | undefined>;
}

/**
 * Creates the HTTP app of a root module, attaches its message consumer and starts listening. A busy
 * port fails first, before a database is connected or a consumer joins its group.
 */
export async function startApp(
  rootModule: Type,
  options: StartAppOptions,
): Promise<{ app: NestFastifyApplication; url: string }> {
  await assertPortAvailable(options.listenOn, options.env);
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
 * Nest's logger until the app's own (pino) takes over: JSON lines, warnings and errors only (the
 * framework's "Starting Nest application..." is chatter), and not the ExceptionHandler's copy of a
 * start-up error with its stack — runMain reports that error, once.
 */
class StartupLogger extends ConsoleLogger {
  constructor() {
    super({ json: true, colors: false, logLevels: ['warn', 'error', 'fatal'] });
  }

  override error(message: unknown, ...optionalParams: unknown[]): void {
    if (optionalParams[optionalParams.length - 1] === 'ExceptionHandler') return;
    super.error(message, ...optionalParams);
  }
}

/**
 * A `main.ts` entry: runs `start` and turns a start-up failure into one clear message and exit
 * code 1 (a bare `void bootstrap()` would leave it an unhandled rejection). The message is a JSON
 * line like every log line, or plain text when stderr is a terminal; only an unexpected error
 * carries its stack. Until the app's logger takes over, Nest's logger writes JSON lines too.
 */
export function runMain(start: () => Promise<unknown>): void {
  Logger.overrideLogger(new StartupLogger());
  start().catch((error: unknown) => {
    const { message, stack } = describeStartupFailure(error);
    const line = process.stderr.isTTY
      ? `Start-up failed: ${stack ?? message}`
      : JSON.stringify({
          level: 60,
          time: Date.now(),
          msg: `Start-up failed: ${message}`,
          ...(stack ? { stack } : {}),
        });
    process.stderr.write(`${line}\n`, () => process.exit(1));
  });
}

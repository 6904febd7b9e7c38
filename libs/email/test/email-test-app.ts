import { createRootModule, startApp, TransportKind } from '@coursehub/messaging';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EmailModule, EmailModuleOptions } from '../src';

/**
 * The e-mail feature composed like apps/email, on the transport the test chooses. MongoDB and SMTP
 * are handed in as options (as the platform does), the rest of the configuration through `env`.
 */
export async function startEmailApp(
  infrastructure: Required<EmailModuleOptions>,
  env: Record<string, string>,
  transport: TransportKind = 'in-process',
): Promise<{ app: NestFastifyApplication; baseUrl: string }> {
  const root = createRootModule({
    service: 'email',
    transport,
    features: [EmailModule.register(infrastructure)],
    env,
  });
  const { app, url } = await startApp(root, {
    title: 'e-mail test app',
    listenOn: { port: 0, host: '127.0.0.1' },
  });
  return { app, baseUrl: url };
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

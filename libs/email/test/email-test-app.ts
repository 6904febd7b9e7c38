import { MongoWireServer, SmtpSink } from '@coursehub/embedded';
import { createRootModule, startApp, TransportKind } from '@coursehub/messaging';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * An embedded MongoDB that can really go away: `stop()` closes every connection and the listener
 * (clients get network and server-selection errors), `restart()` serves the same data on the same
 * port again (kept in a file in between).
 */
export class RestartableMongo {
  private constructor(
    private server: MongoWireServer,
    private readonly directory: string,
  ) {}

  static async start(): Promise<RestartableMongo> {
    const directory = await mkdtemp(join(tmpdir(), 'email-mongo-'));
    const server = await MongoWireServer.start({
      persistFile: join(directory, 'data.json'),
      persistDebounceMs: 20,
    });
    return new RestartableMongo(server, directory);
  }

  /** Connection string of `database` on this server. */
  url(database: string): string {
    return `${this.server.url}${database}`;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  async restart(): Promise<void> {
    this.server = await MongoWireServer.start({
      port: this.server.port,
      persistFile: join(this.directory, 'data.json'),
      persistDebounceMs: 20,
    });
  }

  async close(): Promise<void> {
    await this.server.stop();
    await rm(this.directory, { recursive: true, force: true });
  }
}

/** How many messages the sink received under each Message-ID. */
export function messagesPerMessageId(sink: SmtpSink): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of sink.messages) {
    if (message.messageId) counts.set(message.messageId, (counts.get(message.messageId) ?? 0) + 1);
  }
  return counts;
}

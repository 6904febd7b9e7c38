import { EventEmitter } from 'node:events';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type net from 'node:net';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface SmtpSinkOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind, default 127.0.0.1. */
  host?: string;
  /**
   * Keep every accepted message in this directory (one JSON file each) and load them again at the
   * next start, so the dev mailbox survives restarts like the e-mail log does. In memory only without.
   */
  persistDir?: string;
  /** With `persistDir`: how many messages to keep (the oldest files are removed); default 1000. */
  keep?: number;
}

/** What a persisted message file holds: the raw message and what only the SMTP session knew. */
interface StoredMessage {
  receivedAt: string;
  envelope: { from: string; to: string[] };
  authenticatedAs?: string;
  raw: string;
}

/** A message the sink accepted, parsed by mailparser. */
export interface CapturedMessage {
  /** SMTP envelope: MAIL FROM and every RCPT TO (includes Cc and Bcc recipients). */
  envelope: { from: string; to: string[] };
  /** Address of the `From` header. */
  from: string | undefined;
  /** Addresses of the `To` header. */
  to: string[];
  cc: string[];
  subject: string | undefined;
  text: string | undefined;
  html: string | undefined;
  messageId: string | undefined;
  date: Date | undefined;
  /** Header lines as received, e.g. `{ key: 'x-request-id', line: 'X-Request-Id: abc' }`. */
  headerLines: ReadonlyArray<{ key: string; line: string }>;
  /** Value of a header by case-insensitive name, as mailparser parsed it. */
  header(name: string): unknown;
  /** The whole message source. */
  raw: string;
  /** The user name when the client authenticated (AUTH PLAIN/LOGIN accept any credentials). */
  authenticatedAs: string | undefined;
  /** When the sink accepted it. */
  receivedAt: Date;
}

/** Where a planned failure answers: AUTH (e.g. 535 bad credentials), RCPT TO or the end of DATA. */
export type SmtpFailureStage = 'auth' | 'rcpt' | 'data';

interface PlannedFailure {
  remaining: number;
  code: number;
  message: string;
  stage: SmtpFailureStage;
}

function addresses(header: AddressObject | AddressObject[] | undefined): string[] {
  const objects = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return objects
    .flatMap((object) =>
      object.value.flatMap((entry) => [
        entry.address,
        ...(entry.group ?? []).map((member) => member.address),
      ]),
    )
    .filter((address): address is string => typeof address === 'string' && address.length > 0);
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * An SMTP server that keeps what it receives, for the monolith default and for tests: plain SMTP, no TLS,
 * authentication optional (any AUTH PLAIN/LOGIN is accepted), and failures on demand (`failNext`).
 */
export class SmtpSink {
  readonly messages: CapturedMessage[] = [];
  private readonly events = new EventEmitter();
  private failure: PlannedFailure | undefined;

  private readonly server: SMTPServer;

  private persisted = 0;

  private constructor(
    private readonly hostName: string,
    private readonly persistDir?: string,
    private readonly keep = 1000,
  ) {
    this.server = new SMTPServer({
      logger: false,
      banner: 'CourseHub SMTP sink',
      authOptional: true,
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      disabledCommands: ['STARTTLS'],
      closeTimeout: 500,
      onAuth: (auth, _session, callback) => {
        const failure = this.takeFailure('auth');
        if (failure) callback(failure);
        else callback(null, { user: auth.username });
      },
      onRcptTo: (_address, _session, callback) => callback(this.takeFailure('rcpt')),
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          () => callback(),
          (error: Error) => callback(error),
        );
      },
    });
    // A client dropping its connection mid-transaction (a sender killed or stopped) is routine for a
    // sink; smtp-server emits it as 'error', which without a listener would crash the hosting process.
    this.server.on('error', () => undefined);
  }

  static async start(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
    const sink = new SmtpSink(options.host ?? '127.0.0.1', options.persistDir, options.keep);
    await sink.load();
    const server = sink.server;
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(options.port ?? 0, sink.hostName, () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    return sink;
  }

  get host(): string {
    return this.hostName;
  }

  get port(): number {
    return (this.server.server.address() as net.AddressInfo).port;
  }

  get url(): string {
    return `smtp://${this.hostName}:${this.port}`;
  }

  /**
   * Rejects the next `count` deliveries with a transient (4xx) reply, at DATA by default, at RCPT TO
   * (per recipient command) or at AUTH (per login, e.g. `535` for a relay refusing the credentials),
   * so senders see what a greylisting, overloaded or misconfigured relay does. `Infinity` keeps
   * failing until the next `failNext(0)` or `clear()`.
   */
  failNext(
    count: number,
    code = 451,
    message = 'Requested action aborted: local error in processing',
    stage: SmtpFailureStage = 'data',
  ): void {
    this.failure = count > 0 ? { remaining: count, code, message, stage } : undefined;
  }

  /** Resolves with the captured messages once there are at least `count` of them. */
  waitForMessages(count: number, timeoutMs = 5000): Promise<CapturedMessage[]> {
    if (this.messages.length >= count) return Promise.resolve(this.messages.slice());
    return new Promise((resolve, reject) => {
      const onMessage = (): void => {
        if (this.messages.length < count) return;
        cleanup();
        resolve(this.messages.slice());
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `SmtpSink: expected ${count} message(s) within ${timeoutMs} ms, got ${this.messages.length}`,
          ),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('message', onMessage);
      };
      this.events.on('message', onMessage);
    });
  }

  /** Forgets captured messages and planned failures. */
  clear(): void {
    this.messages.length = 0;
    this.failure = undefined;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private takeFailure(stage: SmtpFailureStage): Error | undefined {
    const failure = this.failure;
    if (!failure || failure.stage !== stage) return undefined;
    failure.remaining -= 1;
    if (failure.remaining <= 0) this.failure = undefined;
    return smtpError(failure.code, failure.message);
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    // The whole message has to be read before replying, also when it is rejected.
    const failure = this.takeFailure('data');
    if (failure) throw failure;
    const envelope = session.envelope;
    const stored: StoredMessage = {
      receivedAt: new Date().toISOString(),
      envelope: {
        from: envelope.mailFrom ? envelope.mailFrom.address : '',
        to: envelope.rcptTo.map((recipient) => recipient.address),
      },
      authenticatedAs: typeof session.user === 'string' ? session.user : undefined,
      raw: Buffer.concat(chunks).toString('utf8'),
    };
    // Written before the 250: a message the sender saw accepted is in the mailbox after a restart.
    await this.persist(stored);
    this.messages.push(await SmtpSink.captured(stored));
    this.events.emit('message');
  }

  /** Loads the messages a previous run persisted, oldest first. */
  private async load(): Promise<void> {
    if (!this.persistDir) return;
    await mkdir(this.persistDir, { recursive: true });
    const files = (await readdir(this.persistDir)).filter((file) => file.endsWith('.json')).sort();
    for (const file of files) {
      try {
        const stored = JSON.parse(await readFile(join(this.persistDir, file), 'utf8')) as StoredMessage;
        this.messages.push(await SmtpSink.captured(stored));
        this.persisted = Math.max(this.persisted, Number.parseInt(file, 10) || 0);
      } catch {
        // A file cut short by a crash while it was written: that message was never acknowledged.
      }
    }
  }

  private async persist(stored: StoredMessage): Promise<void> {
    if (!this.persistDir) return;
    this.persisted += 1;
    const name = `${String(this.persisted).padStart(10, '0')}.json`;
    await writeFile(join(this.persistDir, name), JSON.stringify(stored), { mode: 0o600 });
    const excess = this.persisted - this.keep;
    if (excess > 0) {
      await rm(join(this.persistDir, `${String(excess).padStart(10, '0')}.json`), { force: true });
      if (this.messages.length >= this.keep) this.messages.shift();
    }
  }

  private static async captured(stored: StoredMessage): Promise<CapturedMessage> {
    const parsed: ParsedMail = await simpleParser(stored.raw);
    return {
      envelope: stored.envelope,
      from: addresses(parsed.from)[0],
      to: addresses(parsed.to),
      cc: addresses(parsed.cc),
      subject: parsed.subject,
      text: parsed.text,
      html: typeof parsed.html === 'string' ? parsed.html : undefined,
      messageId: parsed.messageId,
      date: parsed.date,
      headerLines: parsed.headerLines,
      header: (name: string) => parsed.headers.get(name.toLowerCase()),
      raw: stored.raw,
      authenticatedAs: stored.authenticatedAs,
      receivedAt: new Date(stored.receivedAt),
    };
  }
}

/*
 * An in-process MongoDB server speaking the wire protocol, for the zero-install monolith and for tests.
 * Hand-written because no maintained in-process MongoDB server exists for Node: mongodb-memory-server
 * and friends download a real mongod binary, which this environment cannot do. The heavy lifting is
 * delegated to well-kept libraries: `bson` (the driver's own codec) and `mingo` (query, projection,
 * update operators, aggregation); this module only frames messages and implements command semantics.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { dirname } from 'node:path';
import { CommandExecutor, type ConnectionInfo } from './commands';
import { Store } from './storage';
import {
  encodeReply,
  MAX_MESSAGE_SIZE_BYTES,
  messageLength,
  parseRequest,
  type WireRequest,
} from './wire-protocol';

export interface MongoWireServerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind, default 127.0.0.1. */
  host?: string;
  /** Keep the data in this file (canonical Extended JSON): loaded on start, written after writes and on stop. */
  persistFile?: string;
  /** Quiet period after the last write before the file is rewritten, default 100 ms. */
  persistDebounceMs?: number;
}

export class MongoWireServer {
  private readonly sockets = new Set<net.Socket>();
  private readonly executor: CommandExecutor;
  private connectionCount = 0;
  private persistTimer: NodeJS.Timeout | undefined;
  private persisting: Promise<void> = Promise.resolve();
  private stopped = false;
  private listeningPort = 0;

  private constructor(
    private readonly server: net.Server,
    private readonly store: Store,
    private readonly options: MongoWireServerOptions,
  ) {
    this.executor = new CommandExecutor(store);
    store.onChange(() => this.schedulePersist());
    server.on('connection', (socket) => this.accept(socket));
  }

  static async start(options: MongoWireServerOptions = {}): Promise<MongoWireServer> {
    const store = new Store();
    if (options.persistFile) mkdirSync(dirname(options.persistFile), { recursive: true });
    if (options.persistFile && existsSync(options.persistFile)) {
      // A corrupt file fails the start rather than being silently replaced by an empty database.
      store.load(await readFile(options.persistFile, 'utf8'));
    }
    const instance = new MongoWireServer(net.createServer(), store, options);
    await new Promise<void>((resolve, reject) => {
      instance.server.once('error', reject);
      instance.server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        instance.server.off('error', reject);
        instance.listeningPort = (instance.server.address() as net.AddressInfo).port;
        resolve();
      });
    });
    return instance;
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  get port(): number {
    return this.listeningPort;
  }

  /**
   * `mongodb://127.0.0.1:PORT/`; append a database name or pass `dbName` to the client. The server
   * answers the handshake as a standalone, which the driver connects to directly with a single host.
   */
  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `mongodb://${host}:${this.port}/`;
  }

  /** Closes every connection and the listener, then writes the data file if there is one. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.executor.closeAllCursors();
    await this.flush();
  }

  /** Writes pending changes to `persistFile` now (no-op without one). */
  async flush(): Promise<void> {
    if (this.persistTimer) {
      clearTimeout(this.persistTimer);
      this.persistTimer = undefined;
      this.persisting = this.persisting.then(() => this.persist());
    }
    await this.persisting;
  }

  private schedulePersist(): void {
    if (!this.options.persistFile || this.persistTimer) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      this.persisting = this.persisting.then(() => this.persist());
    }, this.options.persistDebounceMs ?? 100);
  }

  private async persist(): Promise<void> {
    const file = this.options.persistFile;
    if (!file) return;
    try {
      // Write-then-rename: a crash mid-write leaves the previous file intact.
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, this.store.serialize(), 'utf8');
      await rename(temporary, file);
    } catch (error) {
      process.emitWarning(`MongoWireServer could not write ${file}: ${String(error)}`);
    }
  }

  private accept(socket: net.Socket): void {
    const connection: ConnectionInfo = {
      id: ++this.connectionCount,
      remote: `${socket.remoteAddress ?? ''}:${socket.remotePort ?? 0}`,
    };
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy()); // client resets are routine, nothing to report
    socket.on('close', () => this.sockets.delete(socket));
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        const length = messageLength(pending);
        if (length === undefined) return;
        if (length < 16 || length > MAX_MESSAGE_SIZE_BYTES) {
          socket.destroy();
          return;
        }
        if (pending.length < length) return;
        const frame = pending.subarray(0, length);
        pending = pending.subarray(length);
        if (!this.handle(socket, frame, connection)) return;
      }
    });
  }

  /** @returns false when the connection was closed because the message could not be understood. */
  private handle(socket: net.Socket, frame: Buffer, connection: ConnectionInfo): boolean {
    let request: WireRequest;
    try {
      request = parseRequest(frame);
    } catch {
      // Like mongod: a malformed or unsupported message (e.g. OP_COMPRESSED, never negotiated) ends the connection.
      socket.destroy();
      return false;
    }
    const reply = this.executor.execute(request.command, connection);
    if (!request.moreToCome && !socket.destroyed) socket.write(encodeReply(request, reply));
    return true;
  }
}

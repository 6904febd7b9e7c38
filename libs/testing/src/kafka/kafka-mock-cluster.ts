import { ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { killOnExit } from '../kill-on-exit';

const execFileAsync = promisify(execFile);

const LAUNCHER_DIR = join('tools', 'kafka-mock');
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 3_000;

/** Paths of the launcher: its C source, the build script and the compiled binary. */
export interface KafkaMockPaths {
  source: string;
  buildScript: string;
  binary: string;
}

/** Finds `tools/kafka-mock` by walking up from this file (works from src/ and from dist/). */
export function kafkaMockPaths(): KafkaMockPaths {
  let dir = __dirname;
  for (;;) {
    const source = join(dir, LAUNCHER_DIR, 'kafka-mock.c');
    if (existsSync(source)) {
      return {
        source,
        buildScript: join(dir, LAUNCHER_DIR, 'build.sh'),
        binary: join(dir, LAUNCHER_DIR, 'kafka-mock'),
      };
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${LAUNCHER_DIR}/kafka-mock.c not found above ${__dirname}`);
    dir = parent;
  }
}

/**
 * Compiles the launcher with `tools/kafka-mock/build.sh` (the same script a developer or the
 * set-up script runs) when the binary is missing or older than its C source.
 * @returns the path of the binary.
 */
export async function ensureKafkaMockBinary(): Promise<string> {
  const { source, buildScript, binary } = kafkaMockPaths();
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) return binary;
  try {
    await execFileAsync('sh', [buildScript]);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`building the Kafka mock launcher failed (needs cc and librdkafka-dev): ${stderr}`, {
      cause: error,
    });
  }
  return binary;
}

export interface KafkaMockTopic {
  name: string;
  partitions: number;
  /** Defaults to min(3, brokers), as the mock does for auto-created topics. */
  replication?: number;
}

export interface KafkaMockClusterOptions {
  /** Number of brokers (ids 1..n). Default 1: fastest; use 3 for broker fail-over tests. */
  brokers?: number;
  /**
   * Topics created before the cluster answers. Auto-created topics always get the mock's
   * default of 4 partitions: librdkafka 2.0.2 has no public API to change that default.
   */
  topics?: KafkaMockTopic[];
  /** librdkafka `debug=mock,protocol` logging on the launcher's stderr (forwarded to ours). */
  debug?: boolean;
}

/** Kafka protocol request types as the launcher names them (a numeric ApiKey works too). */
export type KafkaApiKey =
  | 'Produce'
  | 'Fetch'
  | 'ListOffsets'
  | 'Metadata'
  | 'OffsetCommit'
  | 'OffsetFetch'
  | 'FindCoordinator'
  | 'JoinGroup'
  | 'Heartbeat'
  | 'LeaveGroup'
  | 'SyncGroup'
  | 'DescribeGroups'
  | 'ListGroups'
  | 'ApiVersions'
  | 'InitProducerId'
  | 'AddPartitionsToTxn'
  | 'AddOffsetsToTxn'
  | 'EndTxn'
  | 'TxnOffsetCommit';

interface PendingReply {
  command: string;
  resolve: (detail: string) => void;
  reject: (error: Error) => void;
}

/**
 * A Kafka wire-protocol cluster (librdkafka's mock cluster, run by `tools/kafka-mock`) for tests
 * and local split-mode runs, with fault injection. Commands go to the launcher one line each and
 * resolve on its `OK` reply, or reject with its `ERR` message.
 */
export class KafkaMockCluster {
  private readonly pending: PendingReply[] = [];
  private stderrTail = '';
  private exited = false;
  private readonly exitPromise: Promise<void>;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    /** `host:port` of every broker, broker id 1 first. */
    readonly bootstrapServers: string[],
  ) {
    this.exitPromise = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start(options: KafkaMockClusterOptions = {}): Promise<KafkaMockCluster> {
    const binary = await ensureKafkaMockBinary();
    const args = ['--brokers', String(options.brokers ?? 1)];
    for (const topic of options.topics ?? []) {
      args.push(
        '--topic',
        `${topic.name}:${topic.partitions}${topic.replication ? `:${topic.replication}` : ''}`,
      );
    }
    if (options.debug) args.push('--debug');

    // Its own process group: Ctrl-C in a terminal reaches the apps first, and the launcher stops
    // after them (when its stdin closes or stop() is called), not under their feet.
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    killOnExit(child);

    let stderrTail = '';
    const onStderr = (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-4000);
      if (options.debug) process.stderr.write(chunk);
    };
    child.stderr.on('data', onStderr);
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });

    const bootstrap = await new Promise<string[]>((resolve, reject) => {
      const settle = (error?: Error, servers?: string[]) => {
        clearTimeout(timer);
        child.off('error', onError);
        child.off('exit', onEarlyExit);
        if (error) {
          child.kill('SIGKILL');
          reject(new Error(`Kafka mock launcher ${error.message}: ${stderrTail.trim()}`.trim()));
        } else {
          resolve(servers!);
        }
      };
      const onError = (error: Error) => settle(new Error(`failed to spawn (${error.message})`));
      const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null) =>
        settle(new Error(`exited before start (code ${code}, signal ${signal})`));
      const timer = setTimeout(
        () => settle(new Error(`did not start in ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      child.once('error', onError);
      child.once('exit', onEarlyExit);
      lines.once('line', (line) => {
        const match = /^BOOTSTRAP (\S+)$/.exec(line);
        if (match) settle(undefined, match[1].split(','));
        else settle(new Error(`printed ${JSON.stringify(line)} instead of BOOTSTRAP`));
      });
    });

    const cluster = new KafkaMockCluster(child, bootstrap);
    cluster.stderrTail = stderrTail;
    child.stderr.off('data', onStderr);
    child.stderr.on('data', (chunk: Buffer) => {
      cluster.stderrTail = (cluster.stderrTail + chunk.toString()).slice(-4000);
      if (options.debug) process.stderr.write(chunk);
    });
    lines.on('line', (line) => cluster.onReply(line));
    child.on('exit', (code, signal) => cluster.onExit(code, signal));
    // Writes after an unexpected exit fail with EPIPE; the pending command is rejected by onExit.
    child.stdin.on('error', () => undefined);
    return cluster;
  }

  /** Disconnects the broker and refuses new connections (no leader change). */
  async brokerDown(id: number): Promise<void> {
    await this.command(`broker-down ${id}`);
  }

  async brokerUp(id: number): Promise<void> {
    await this.command(`broker-up ${id}`);
  }

  async allBrokersDown(): Promise<void> {
    await this.command('brokers-down');
  }

  async allBrokersUp(): Promise<void> {
    await this.command('brokers-up');
  }

  /** Adds `ms` of latency to every response of broker `id` (or of every broker). */
  async setRtt(id: number | 'all', ms: number): Promise<void> {
    await this.command(`rtt ${id} ${ms}`);
  }

  /** Creates a topic (the mock does not implement the CreateTopics admin request). */
  async createTopic(name: string, partitions: number, replication?: number): Promise<void> {
    await this.command(`create-topic ${name} ${partitions}${replication ? ` ${replication}` : ''}`);
  }

  /**
   * The next `count` requests of type `apiKey`, on any broker, fail with `error`: a Kafka error
   * code (6) or librdkafka name ('NOT_LEADER_FOR_PARTITION'); '_TRANSPORT' makes the broker
   * close the connection instead of answering.
   */
  async pushRequestErrors(apiKey: KafkaApiKey | number, error: string | number, count = 1): Promise<void> {
    await this.command(`push-error ${apiKey} ${count} ${error}`);
  }

  /** Like pushRequestErrors for one broker only, each reply delayed by `rttMs` (error 0 = just slow). */
  async pushBrokerRequestErrors(
    brokerId: number,
    apiKey: KafkaApiKey | number,
    error: string | number,
    count = 1,
    rttMs = 0,
  ): Promise<void> {
    await this.command(`broker-push-error ${brokerId} ${apiKey} ${count} ${error} ${rttMs}`);
  }

  /** Drops the errors still pushed (cluster-wide) for `apiKey`. */
  async clearRequestErrors(apiKey: KafkaApiKey | number): Promise<void> {
    await this.command(`clear-errors ${apiKey}`);
  }

  /** Error returned for the topic in Metadata responses (0 clears it). */
  async setTopicError(topic: string, error: string | number): Promise<void> {
    await this.command(`topic-error ${topic} ${error}`);
  }

  /** Moves a partition's leadership (-1: leaderless); broker-down alone never does. */
  async setPartitionLeader(topic: string, partition: number, brokerId: number): Promise<void> {
    await this.command(`partition-leader ${topic} ${partition} ${brokerId}`);
  }

  async setCoordinator(type: 'group' | 'transaction', key: string, brokerId: number): Promise<void> {
    await this.command(`coordinator ${type} ${key} ${brokerId}`);
  }

  /**
   * Sends one raw launcher command (see tools/kafka-mock/README.md).
   * @returns the detail after `OK`; rejects with the `ERR` message.
   */
  command(line: string): Promise<string> {
    if (/[\r\n]/.test(line)) return Promise.reject(new Error('a Kafka mock command is a single line'));
    if (this.exited) return Promise.reject(this.exitedError(line));
    return new Promise((resolve, reject) => {
      // The launcher answers strictly in order, one line per command, so replies match FIFO.
      this.pending.push({ command: line, resolve, reject });
      this.child.stdin.write(`${line}\n`);
    });
  }

  /** Stops the cluster: EOF on the launcher's stdin, then SIGKILL if it lingers. */
  async stop(): Promise<void> {
    if (!this.exited) {
      this.child.stdin.end();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await this.exitPromise;
      clearTimeout(timer);
    }
  }

  private onReply(line: string): void {
    const waiting = this.pending.shift();
    if (!waiting) return;
    if (line === 'OK' || line.startsWith('OK ')) waiting.resolve(line.slice(3));
    else waiting.reject(new Error(`kafka-mock ${waiting.command}: ${line.replace(/^ERR /, '')}`));
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true;
    for (const waiting of this.pending.splice(0)) {
      waiting.reject(
        new Error(`${this.exitedError(waiting.command).message} (code ${code}, signal ${signal})`),
      );
    }
  }

  private exitedError(command: string): Error {
    return new Error(`kafka-mock ${command}: launcher has exited ${this.stderrTail.trim()}`.trim());
  }
}

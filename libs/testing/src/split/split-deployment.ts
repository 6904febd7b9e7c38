import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureDatabase, findFreePorts, MongoWireServer, SmtpSink } from '@coursehub/embedded';
import { mongoUrlWithDatabase } from '../mongo/temporary-mongo-database';
import { KafkaMockCluster } from '../kafka';
import { createTemporaryDatabase, TemporaryDatabase } from '../postgres/test-database';
import { AppOutput, findRepoRoot, NodeAppProcess } from './node-app-process';

/** The four microservices, in the order they are listed and stopped. */
export const SPLIT_APPS = ['auth', 'course', 'order', 'email'] as const;
export type SplitApp = (typeof SPLIT_APPS)[number];

/** The services that own a PostgreSQL database (email keeps its records in MongoDB). */
const DATABASE_APPS = ['auth', 'course', 'order'] as const;
type DatabaseApp = (typeof DATABASE_APPS)[number];

const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const EMAIL_DATABASE = 'coursehub_email';

export interface SplitDeploymentOptions {
  /**
   * PostgreSQL server the per-service databases are created on (any database of it works as the
   * maintenance connection). Default: postgres://postgres@127.0.0.1:5432/postgres.
   */
  postgresUrl?: string;
  /**
   * `temporary` (default): fresh randomly named databases, dropped by `stop()`, for tests.
   * `persistent`: `<databasePrefix>_<app>` created when missing and kept, for local work; the
   * embedded MongoDB then also keeps its data under `dataDir`.
   */
  databases?: 'temporary' | 'persistent';
  /** Name prefix of the persistent databases, default `coursehub` (coursehub_auth, …). */
  databasePrefix?: string;
  /** A running cluster to use (left running by `stop()`); default: a one-broker cluster started here. */
  kafka?: KafkaMockCluster;
  /** A MongoDB for the e-mail service (its database in the path); default: an embedded MongoWireServer. */
  mongoUrl?: string;
  /** An SMTP relay for the e-mail service; default: an SmtpSink, returned as `smtp`. */
  smtpUrl?: string;
  /**
   * DATA_DIR of every app (each feature keeps its files in its own subdirectory, as in the platform:
   * auth its dev signing key in `auth/`), and the embedded MongoDB's file when persistent.
   * Default: a temp dir removed by `stop()`.
   */
  dataDir?: string;
  /** The first admin, seeded by the auth service. */
  admin?: { email: string; password: string };
  /** Fixed ports; apps without one get a free port. */
  ports?: Partial<Record<SplitApp, number>>;
  /** `inherit`: output on ours, each line prefixed with the app name. Default: a log file per app in `logDir`. */
  output?: 'inherit' | 'files';
  /** Where the log files go; default a new temp dir (kept after `stop()` so a failed run can be read). */
  logDir?: string;
  /** Default: LOG_LEVEL of this process, else `info`. */
  logLevel?: string;
  /** Variables given to every app on top of this process's environment and before the wiring above. */
  env?: Record<string, string>;
  /** Variables for one app, applied last (they win over the wiring). */
  appEnv?: Partial<Record<SplitApp, Record<string, string>>>;
  /** How long every app may take to report `/health/ready` 200. Default 120 s. */
  readyTimeoutMs?: number;
  /** How long an app may drain after SIGTERM before it is killed. Default 15 s. */
  stopTimeoutMs?: number;
  /** Called when an app exits on its own after start-up (a crash), not when `stop()` ends it. */
  onUnexpectedExit?: (app: SplitApp, code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface SplitDeployment {
  /** `http://127.0.0.1:<port>` of each service. */
  urls: Record<SplitApp, string>;
  /** The SMTP sink receiving the e-mails, unless `smtpUrl` was given. */
  smtp?: SmtpSink;
  /** The embedded MongoDB, unless `mongoUrl` was given. */
  mongo?: MongoWireServer;
  kafka: KafkaMockCluster;
  /** The DATABASE_URL of each PostgreSQL-backed service. */
  databaseUrls: Record<DatabaseApp, string>;
  mongoUrl: string;
  smtpUrl: string;
  dataDir: string;
  /** The log file of each app, when output went to files. */
  logFiles?: Record<SplitApp, string>;
  /** The last lines an app wrote (for failure messages). */
  outputTail(app: SplitApp): string;
  /**
   * Ends the app with `signal` (default SIGKILL: a crash, nothing drained) and resolves once it has
   * exited; `restart` brings it back.
   */
  kill(app: SplitApp, signal?: NodeJS.Signals): Promise<void>;
  /** Starts the app again (after `kill`) on its port with its environment; resolves once it is ready. */
  restart(app: SplitApp): Promise<void>;
  /**
   * One more replica of `app` (same environment, database and consumer group; its own port and log
   * file), resolved once ready; `stop()` of the deployment stops it too.
   */
  startReplica(app: SplitApp): Promise<SplitReplica>;
  /** SIGTERM to every app (SIGKILL after the stop timeout), then stops and drops what was started here. */
  stop(): Promise<void>;
}

/** An extra process of a split app, started by `startReplica`. */
export interface SplitReplica {
  url: string;
  process: NodeAppProcess;
  stop(): Promise<void>;
}

function withoutUndefined(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
}

/** Runs the cleanups in reverse order of registration; every one runs even when one fails. */
class Cleanups {
  private readonly steps: (() => Promise<void>)[] = [];

  add(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'stopping the split deployment failed');
  }
}

/**
 * The four CourseHub microservices as separate Node processes (the built `dist/apps/<app>`), over
 * Kafka (the librdkafka mock cluster), each on its own PostgreSQL database (auth, course, order) or
 * MongoDB (email), with e-mails going to an SMTP sink: the split deployment on one machine, for
 * end-to-end tests and `npm run dev:split`. Resolves once every app's `/health/ready` answers 200.
 */
export async function startSplitDeployment(options: SplitDeploymentOptions = {}): Promise<SplitDeployment> {
  const root = findRepoRoot();
  const cleanups = new Cleanups();
  const apps = new Map<SplitApp, NodeAppProcess>();
  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
  const replicas: Record<SplitApp, NodeAppProcess[]> = { auth: [], course: [], order: [], email: [] };
  const stopApps = async () => {
    const running = [...apps.values(), ...Object.values(replicas).flat()];
    await Promise.all(running.map((app) => app.stop(stopTimeoutMs)));
  };

  try {
    const dataDir = options.dataDir
      ? resolve(options.dataDir)
      : mkdtempSync(join(tmpdir(), 'coursehub-split-data-'));
    if (options.dataDir) {
      mkdirSync(dataDir, { recursive: true });
    } else {
      cleanups.add(() => {
        rmSync(dataDir, { recursive: true, force: true });
        return Promise.resolve();
      });
    }

    let kafka = options.kafka;
    if (!kafka) {
      const started = await KafkaMockCluster.start();
      cleanups.add(() => started.stop());
      kafka = started;
    }
    // A cluster of our own starts empty; on a shared one, fresh groups keep runs apart.
    const groupPrefix = options.kafka ? `coursehub-${randomBytes(4).toString('hex')}` : 'coursehub';

    const postgresUrl = options.postgresUrl ?? DEFAULT_POSTGRES_URL;
    const persistent = options.databases === 'persistent';
    const databaseUrls = {} as Record<DatabaseApp, string>;
    if (persistent) {
      const prefix = options.databasePrefix ?? 'coursehub';
      for (const app of DATABASE_APPS)
        databaseUrls[app] = await ensureDatabase(postgresUrl, `${prefix}_${app}`);
    } else {
      const databases: TemporaryDatabase[] = [];
      cleanups.add(async () => {
        await Promise.all(databases.map((database) => database.drop()));
      });
      for (const app of DATABASE_APPS) {
        const database = await createTemporaryDatabase(`coursehub_split_${app}`, postgresUrl);
        databases.push(database);
        databaseUrls[app] = database.url;
      }
    }

    let mongo: MongoWireServer | undefined;
    let mongoUrl = options.mongoUrl;
    if (!mongoUrl) {
      const server = await MongoWireServer.start(
        persistent ? { persistFile: join(dataDir, 'mongo', 'data.json') } : {},
      );
      cleanups.add(() => server.stop());
      mongo = server;
      mongoUrl = mongoUrlWithDatabase(server.url, EMAIL_DATABASE);
    }

    let smtp: SmtpSink | undefined;
    let smtpUrl = options.smtpUrl;
    if (!smtpUrl) {
      const sink = await SmtpSink.start();
      cleanups.add(() => sink.stop());
      smtp = sink;
      smtpUrl = sink.url;
    }

    const freePorts = await findFreePorts(SPLIT_APPS.length);
    const ports = Object.fromEntries(
      SPLIT_APPS.map((app, index) => [app, options.ports?.[app] ?? freePorts[index]]),
    ) as Record<SplitApp, number>;
    const urls = Object.fromEntries(
      SPLIT_APPS.map((app) => [app, `http://127.0.0.1:${ports[app]}`]),
    ) as Record<SplitApp, string>;

    const output = options.output ?? 'files';
    const logDir =
      output === 'files'
        ? (options.logDir ?? mkdtempSync(join(tmpdir(), 'coursehub-split-logs-')))
        : undefined;
    if (logDir) mkdirSync(logDir, { recursive: true });
    const logFiles = logDir
      ? (Object.fromEntries(SPLIT_APPS.map((app) => [app, join(logDir, `${app}.log`)])) as Record<
          SplitApp,
          string
        >)
      : undefined;

    const jwksUrl = `${urls.auth}/auth/.well-known/jwks.json`;
    const wiring: Record<SplitApp, Record<string, string>> = {
      auth: {
        DATABASE_URL: databaseUrls.auth,
        ...(options.admin
          ? { ADMIN_EMAIL: options.admin.email, ADMIN_PASSWORD: options.admin.password }
          : {}),
      },
      course: { DATABASE_URL: databaseUrls.course, JWT_JWKS_URL: jwksUrl },
      order: { DATABASE_URL: databaseUrls.order, JWT_JWKS_URL: jwksUrl },
      email: { MONGO_URL: mongoUrl, SMTP_URL: smtpUrl, JWT_JWKS_URL: jwksUrl },
    };
    const prefixWidth = Math.max(...SPLIT_APPS.map((app) => app.length));

    cleanups.add(stopApps);
    const envs = {} as Record<SplitApp, NodeJS.ProcessEnv>;
    const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
    const launch = (app: SplitApp, port: number, name: string, output: AppOutput) => {
      const child = NodeAppProcess.start({
        name,
        script: join(root, 'dist', 'apps', app, 'src', 'main.js'),
        cwd: root,
        env: { ...envs[app], PORT: String(port) },
        output,
        prefixWidth,
      });
      const ready = child.waitUntilReady({
        url: `http://127.0.0.1:${port}/health/ready`,
        timeoutMs: readyTimeoutMs,
      });
      return { child, ready };
    };
    const watch = (app: SplitApp, child: NodeAppProcess) => {
      const listener = options.onUnexpectedExit;
      if (listener) child.onUnexpectedExit((code, signal) => listener(app, code, signal));
    };
    for (const app of SPLIT_APPS) {
      envs[app] = withoutUndefined({
        ...process.env,
        ...options.env,
        HOST: '127.0.0.1',
        PORT: String(ports[app]),
        LOG_LEVEL: options.logLevel ?? process.env.LOG_LEVEL ?? 'info',
        DATA_DIR: dataDir,
        KAFKA_BROKERS: kafka.bootstrapServers.join(','),
        KAFKA_GROUP_ID: `${groupPrefix}-${app}`,
        // The mock answers an idle fetch only when maxWait expires, cannot serve InitProducerId to
        // kafkajs, and a short session lets a restarted app rejoin its group quickly.
        KAFKA_MAX_WAIT_MS: '50',
        KAFKA_IDEMPOTENT_PRODUCER: 'false',
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        ...wiring[app],
        ...options.appEnv?.[app],
      });
    }
    const outputOf = (name: string, append: boolean): AppOutput =>
      logDir ? { logFile: join(logDir, `${name}.log`), append } : 'inherit';
    const starting = SPLIT_APPS.map((app) => {
      const { child, ready } = launch(app, ports[app], app, outputOf(app, false));
      apps.set(app, child);
      return ready;
    });
    // One failing app fails the start at once (with its output), instead of after the others' timeouts.
    await Promise.all(starting);
    for (const [app, child] of apps) watch(app, child);

    const kill = async (app: SplitApp, signal: NodeJS.Signals = 'SIGKILL') => {
      await apps.get(app)?.kill(signal);
    };
    const restart = async (app: SplitApp) => {
      if (!apps.get(app)?.exitStatus) throw new Error(`${app} is still running: kill it first`);
      const { child, ready } = launch(app, ports[app], app, outputOf(app, true));
      apps.set(app, child);
      await ready;
      watch(app, child);
    };
    const startReplica = async (app: SplitApp): Promise<SplitReplica> => {
      const [port] = await findFreePorts(1);
      const name = `${app}-${replicas[app].length + 2}`;
      const { child, ready } = launch(app, port, name, outputOf(name, false));
      replicas[app].push(child);
      try {
        await ready;
      } catch (error) {
        await child.stop(stopTimeoutMs);
        throw error;
      }
      watch(app, child);
      return { url: `http://127.0.0.1:${port}`, process: child, stop: () => child.stop(stopTimeoutMs) };
    };

    let stopped: Promise<void> | undefined;
    return {
      urls,
      smtp,
      mongo,
      kafka,
      databaseUrls,
      mongoUrl,
      smtpUrl,
      dataDir,
      logFiles,
      outputTail: (app) => apps.get(app)?.outputTail() ?? '',
      kill,
      restart,
      startReplica,
      stop: () => (stopped ??= cleanups.run()),
    };
  } catch (error) {
    await cleanups.run().catch(() => undefined);
    throw error;
  }
}

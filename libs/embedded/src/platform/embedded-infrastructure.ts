import { join, resolve } from 'node:path';
import { ensureDatabase } from '../postgres/ensure-database';
import { MongoWireServer } from '../mongo';
import { SmtpSink } from '../smtp';
import { EmbeddedPostgres } from './embedded-postgres';

export interface FeatureDatabase {
  url: string;
  poolSize: number;
  timeoutMs: number;
}

/** What the single-process platform runs on: embedded pieces, or the real thing where configured. */
export interface PlatformInfrastructure {
  databases: Record<string, FeatureDatabase>;
  mongoUrl: string;
  smtpUrl: string;
  /** Present when e-mails are caught by the embedded SMTP sink (served at /dev/mailbox). */
  mailbox?: SmtpSink;
  /** Human-readable lines for the start-up banner. */
  describe(): string[];
  stop(): Promise<void>;
}

export interface PlatformInfrastructureOptions {
  /** Features that own a PostgreSQL database (one PGlite instance each when embedded). */
  databaseFeatures: string[];
  dataDir: string;
  env?: Record<string, string | undefined>;
}

/** `postgres://host/coursehub` + `auth` -> `postgres://host/coursehub_auth`, created when missing. */
async function ensureFeatureDatabase(serverUrl: string, feature: string): Promise<string> {
  const maintenance = new URL(serverUrl);
  const base = maintenance.pathname.replace(/^\//, '') || 'coursehub';
  // DATABASE_URL's own database need not exist: only its name is used, as the prefix.
  maintenance.pathname = '/postgres';
  return ensureDatabase(maintenance.toString(), `${base}_${feature}`.replace(/[^A-Za-z0-9_]/g, '_'));
}

/**
 * Starts what the platform needs that is not configured: a PGlite database per feature
 * (database-per-service, as in the split deployment), the MongoDB wire server and the SMTP
 * sink, all persisting under `dataDir`. `DATABASE_URL`, `MONGO_URL` and `SMTP_URL` switch
 * each part to the real server.
 */
export async function startPlatformInfrastructure(
  options: PlatformInfrastructureOptions,
): Promise<PlatformInfrastructure> {
  const env = options.env ?? process.env;
  const dataDir = resolve(options.dataDir);
  const stoppers: (() => Promise<void>)[] = [];
  const described: string[] = [];

  const databases: Record<string, FeatureDatabase> = {};
  if (env.DATABASE_URL) {
    const poolSize = Number(env.DATABASE_POOL_SIZE ?? 10);
    const timeoutMs = Number(env.DATABASE_TIMEOUT_MS ?? 5_000);
    for (const feature of options.databaseFeatures) {
      databases[feature] = {
        url: await ensureFeatureDatabase(env.DATABASE_URL, feature),
        poolSize,
        timeoutMs,
      };
    }
    described.push(`PostgreSQL: ${new URL(env.DATABASE_URL).host} (a database per feature)`);
  } else {
    const featureDir = (feature: string) => join(dataDir, 'postgres', feature);
    const template = options.databaseFeatures.some(
      (feature) => !EmbeddedPostgres.isInitialised(featureDir(feature)),
    )
      ? await EmbeddedPostgres.initialisedTemplate()
      : undefined;
    // Started one after another: each PGlite boot is CPU-bound WASM work.
    for (const feature of options.databaseFeatures) {
      const postgres = await EmbeddedPostgres.start({ dataDir: featureDir(feature), template });
      stoppers.push(() => postgres.stop());
      // One session per PGlite instance: requests queue for it, so they may wait longer for a connection.
      databases[feature] = { url: postgres.url, poolSize: 1, timeoutMs: 30_000 };
    }
    described.push(`PostgreSQL: embedded PGlite per feature in ${join(dataDir, 'postgres')}`);
  }

  let mongoUrl = env.MONGO_URL;
  if (mongoUrl) {
    described.push('MongoDB: MONGO_URL');
  } else {
    const mongo = await MongoWireServer.start({ persistFile: join(dataDir, 'mongo', 'data.json') });
    stoppers.push(() => mongo.stop());
    mongoUrl = `${mongo.url}coursehub_email`;
    described.push(`MongoDB: embedded wire server, data in ${join(dataDir, 'mongo')}`);
  }

  let smtpUrl = env.SMTP_URL;
  let mailbox: SmtpSink | undefined;
  if (smtpUrl) {
    described.push('SMTP: SMTP_URL');
  } else {
    // Kept under DATA_DIR beside the e-mail log, so /dev/mailbox still shows them after a restart.
    mailbox = await SmtpSink.start({ persistDir: join(dataDir, 'mailbox') });
    const sink = mailbox;
    stoppers.push(() => sink.stop());
    smtpUrl = sink.url;
    described.push(
      `SMTP: embedded sink, received e-mails at /dev/mailbox (kept in ${join(dataDir, 'mailbox')})`,
    );
  }

  // No log line here: the app's logger does not exist yet, and the banner prints these lines.
  return {
    databases,
    mongoUrl,
    smtpUrl,
    mailbox,
    describe: () => described,
    stop: async () => {
      for (const stop of stoppers.reverse()) await stop();
    },
  };
}

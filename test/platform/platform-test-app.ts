import { MongoWireServer, SmtpSink } from '@coursehub/embedded';
import { startApp } from '@coursehub/messaging';
import { createTemporaryDatabase, TemporaryDatabase, TestTokenIssuer } from '@coursehub/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLATFORM_DATABASE_FEATURES, platformModule } from '../../apps/platform/src/platform.module';

/** The four services in one process, as `npm start` runs them, on temporary databases. */
export interface TestPlatform {
  url: string;
  app: NestFastifyApplication;
  /** Signs with the platform's own key (JWT_PRIVATE_KEY): tokens of any user, role or age. */
  tokens: TestTokenIssuer;
  /** The SMTP sink the platform sends through (also shown at /dev/mailbox). */
  smtp: SmtpSink;
  /** Each feature's temporary PostgreSQL database (PLATFORM_DATABASE_FEATURES), for tests that look inside. */
  databaseUrls: Record<string, string>;
  /** The embedded MongoDB server, and the e-mail feature's database on it. */
  mongoServerUrl: string;
  mongoUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts the platform on fresh databases (named after `name`), the embedded Mongo and an SMTP sink,
 * with `admin` as its bootstrap admin; `extraEnv` comes last and wins.
 */
export async function startTestPlatform(
  name: string,
  admin: { email: string; password: string },
  extraEnv: Record<string, string> = {},
): Promise<TestPlatform> {
  const databases: TemporaryDatabase[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), `coursehub-${name}-`));
  const tokens = new TestTokenIssuer();
  let mongo: MongoWireServer | undefined;
  let smtp: SmtpSink | undefined;
  let app: NestFastifyApplication | undefined;

  const stop = async () => {
    await app?.close();
    await smtp?.stop();
    await mongo?.stop();
    for (const database of databases) await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const connections: Record<string, { url: string; poolSize: number; timeoutMs: number }> = {};
    const databaseUrls: Record<string, string> = {};
    for (const feature of PLATFORM_DATABASE_FEATURES) {
      const database = await createTemporaryDatabase(`${name}_${feature}`);
      databases.push(database);
      connections[feature] = { url: database.url, poolSize: 5, timeoutMs: 5_000 };
      databaseUrls[feature] = database.url;
    }
    mongo = await MongoWireServer.start();
    smtp = await SmtpSink.start();
    const mongoUrl = `${mongo.url}coursehub_email`;
    const env = {
      ...process.env,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      JWT_PRIVATE_KEY: tokens.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      OUTBOX_POLL_MS: '50',
      MESSAGING_RETRY_BASE_MS: '20',
      ...extraEnv,
    };
    const root = platformModule({
      transport: 'in-process',
      databases: connections,
      mongoUrl,
      smtpUrl: smtp.url,
      // The sink's e-mails at /dev/mailbox, as `npm start` shows them.
      mailbox: smtp,
      env,
    });
    const started = await startApp(root, {
      title: `${name} platform`,
      // PORT in extraEnv: a port chosen beforehand (e.g. to match PUBLIC_URL); any free one otherwise.
      listenOn: { port: Number(extraEnv.PORT ?? 0), host: '127.0.0.1' },
    });
    app = started.app;
    return {
      url: started.url,
      app,
      tokens,
      smtp,
      databaseUrls,
      mongoServerUrl: mongo.url,
      mongoUrl,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

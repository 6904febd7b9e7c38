import { MongoWireServer, SmtpSink } from '@coursehub/embedded';
import { startApp } from '@coursehub/messaging';
import { createTemporaryDatabase, TemporaryDatabase, TestTokenIssuer } from '@coursehub/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLATFORM_DATABASE_FEATURES, platformModule } from '../../../apps/platform/src/platform.module';

export const FUZZ_ADMIN = { email: 'fuzz-admin@coursehub.test', password: 'fuzz-admin-password-1' };

/** The four services in one process, as `npm start` runs them, on temporary databases. */
export interface FuzzPlatform {
  url: string;
  app: NestFastifyApplication;
  /** Signs with the platform's own key (JWT_PRIVATE_KEY): tokens of any user, role or age. */
  tokens: TestTokenIssuer;
  stop(): Promise<void>;
}

export async function startFuzzPlatform(
  name: string,
  extraEnv: Record<string, string> = {},
): Promise<FuzzPlatform> {
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
    for (const feature of PLATFORM_DATABASE_FEATURES) {
      const database = await createTemporaryDatabase(`${name}_${feature}`);
      databases.push(database);
      connections[feature] = { url: database.url, poolSize: 5, timeoutMs: 5_000 };
    }
    mongo = await MongoWireServer.start();
    smtp = await SmtpSink.start();
    const env = {
      ...process.env,
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env.FUZZ_LOG_LEVEL ?? 'silent',
      ADMIN_EMAIL: FUZZ_ADMIN.email,
      ADMIN_PASSWORD: FUZZ_ADMIN.password,
      JWT_PRIVATE_KEY: tokens.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      // The fuzzer is one client hammering the credential routes: a throttle would answer 429
      // before validation and hide what the bodies do. Throttling has its own tests.
      AUTH_THROTTLE_LIMIT: '1000000',
      OUTBOX_POLL_MS: '50',
      MESSAGING_RETRY_BASE_MS: '20',
      ...extraEnv,
    };
    const root = platformModule({
      transport: 'in-process',
      databases: connections,
      mongoUrl: `${mongo.url}coursehub_email`,
      smtpUrl: smtp.url,
      env,
    });
    const started = await startApp(root, {
      title: `${name} platform`,
      listenOn: { port: 0, host: '127.0.0.1' },
    });
    app = started.app;
    return { url: started.url, app, tokens, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

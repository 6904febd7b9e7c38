import {
  apiCall as call,
  createTemporaryDatabase,
  startLocalApp,
  TemporaryDatabase,
} from '@coursehub/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthModule } from '../src';

export { call };

export const ADMIN = { email: 'admin@coursehub.test', password: 'admin-password-123' };

export interface AuthTestApp {
  app: NestFastifyApplication;
  url: string;
  database: TemporaryDatabase;
  /** The app's DATA_DIR, where it keeps its generated signing key (`auth/jwt-private.pem`). */
  dataDir: string;
  /** One request to the app (`apiCall` on its URL). */
  api(method: string, path: string, options?: Parameters<typeof call>[3]): ReturnType<typeof call>;
  close(): Promise<void>;
}

/** The auth feature, composed as its service root composes it, on a fresh database of the local PostgreSQL server. */
export async function startAuthTestApp(
  env: Record<string, string> = {},
  options: {
    databaseProxyPort?: number;
    /** Another replica's database: this app shares it, and leaves it to its owner to drop. */
    sharedDatabase?: TemporaryDatabase;
  } = {},
): Promise<AuthTestApp> {
  const database = options.sharedDatabase ?? (await createTemporaryDatabase('auth_test'));
  const databaseUrl = new URL(database.url);
  if (options.databaseProxyPort) databaseUrl.host = `127.0.0.1:${options.databaseProxyPort}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'coursehub-auth-'));
  const { app, url } = await startLocalApp({
    title: 'auth test',
    service: 'auth',
    features: [AuthModule.register()],
    env: {
      DATABASE_URL: databaseUrl.toString(),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ...env,
    },
  });
  return {
    app,
    url,
    database,
    dataDir,
    api: (method, path, callOptions) => call(url, method, path, callOptions),
    close: async () => {
      await app.close();
      if (!options.sharedDatabase) await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The auth app of the enclosing `describe`: started before its tests, closed after them. The
 * object returned is filled in by that `beforeAll`, so it is for hooks and tests, not for the
 * `describe` body itself.
 */
export function authTestAppForSuite(env: Record<string, string> = {}): AuthTestApp {
  const suiteApp = {} as AuthTestApp;
  let started: AuthTestApp | undefined;
  beforeAll(async () => {
    started = await startAuthTestApp(env);
    Object.assign(suiteApp, started);
  });
  afterAll(() => started?.close());
  return suiteApp;
}

/**
 * TRUST_PROXY=true for the enclosing `describe`, so its tests play their own clients through
 * X-Forwarded-For; the HTTP adapter reads it from the process environment when an app starts, so
 * call this before the apps are started. The variable gets its old value back afterwards.
 */
export function trustProxyForSuite(): void {
  let before: string | undefined;
  beforeAll(() => {
    before = process.env.TRUST_PROXY;
    process.env.TRUST_PROXY = 'true';
  });
  afterAll(() => {
    if (before === undefined) delete process.env.TRUST_PROXY;
    else process.env.TRUST_PROXY = before;
  });
}

import { createHttpApp } from '@coursehub/core';
import { createTemporaryDatabase, TemporaryDatabase, apiCall as call } from '@coursehub/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authServiceModule } from '../../../apps/auth/src/auth-service.module';

export { call };

export const ADMIN = { email: 'admin@coursehub.test', password: 'admin-password-123' };

export interface AuthTestApp {
  app: NestFastifyApplication;
  url: string;
  database: TemporaryDatabase;
  close(): Promise<void>;
}

/** The real auth service on a fresh database of the local PostgreSQL server. */
export async function startAuthTestApp(
  env: Record<string, string> = {},
  options: { databaseProxyPort?: number } = {},
): Promise<AuthTestApp> {
  const database = await createTemporaryDatabase('auth_test');
  const databaseUrl = new URL(database.url);
  if (options.databaseProxyPort) databaseUrl.host = `127.0.0.1:${options.databaseProxyPort}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'coursehub-auth-'));
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl.toString(),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ...env,
  });
  const app = await createHttpApp(authServiceModule('in-process'), { title: 'auth test' });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    url,
    database,
    close: async () => {
      await app.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

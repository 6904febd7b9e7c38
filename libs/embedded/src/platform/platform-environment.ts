import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { envBoolean, parseEnv } from '@coursehub/core';
import { z } from 'zod';
import { DEMO_SEED_CREDENTIAL_REQUESTS } from '../demo';
import { DataDirLock, lockDataDir } from './data-dir-lock';

export interface PlatformAdmin {
  email: string;
  password: string;
  /** Where a generated password is kept; undefined when ADMIN_PASSWORD was given. */
  passwordFile?: string;
}

export interface PlatformEnvironment {
  dataDir: string;
  admin: PlatformAdmin;
  /** SEED_DEMO: fill the platform with demo data once it listens. */
  seedDemo: boolean;
  /** The given environment with what was filled in: what the platform's root validates. */
  env: Record<string, string | undefined>;
  /** This process's hold on DATA_DIR: a second platform on it refuses to start (released on exit). */
  lock: DataDirLock;
  /** What was changed on the person's behalf, for the banner (e.g. a raised login limit). */
  notices: string[];
}

const DEFAULT_ADMIN_EMAIL = 'admin@coursehub.local';

/**
 * Fills in what a newcomer's `npm start` cannot be expected to set: an absolute DATA_DIR and a
 * first admin. The admin password is generated once and kept in the data directory (never a
 * well-known default); with NODE_ENV=production nothing is invented. Returns a new environment;
 * the given one is left as it is.
 */
export function preparePlatformEnvironment(given: NodeJS.ProcessEnv): PlatformEnvironment {
  const env: Record<string, string | undefined> = { ...given };
  const dataDir = resolve(env.DATA_DIR ?? './data');
  mkdirSync(dataDir, { recursive: true });
  // Before anything touches the directory: two processes on one PGlite cluster would corrupt it.
  const lock = lockDataDir(dataDir, { port: env.PORT ?? 3000 });
  env.DATA_DIR = dataDir;
  const seedDemo = parseEnv(z.object({ SEED_DEMO: envBoolean.default(false) }), env).SEED_DEMO;
  const notices: string[] = [];
  // Seeding registers and logs in dozens of demo accounts from this host: more than the default
  // credential throttle allows. Only raised when not configured, and said so in the banner.
  if (seedDemo && !env.AUTH_THROTTLE_LIMIT) {
    env.AUTH_THROTTLE_LIMIT = String(DEMO_SEED_CREDENTIAL_REQUESTS);
    notices.push(
      `Login limit AUTH_THROTTLE_LIMIT=${DEMO_SEED_CREDENTIAL_REQUESTS} (default 10) for demo seeding's ` +
        `${DEMO_SEED_CREDENTIAL_REQUESTS} registrations and logins; set AUTH_THROTTLE_LIMIT to choose another`,
    );
  }

  if (env.NODE_ENV === 'production' || (env.ADMIN_EMAIL && env.ADMIN_PASSWORD)) {
    const admin = { email: env.ADMIN_EMAIL ?? '', password: env.ADMIN_PASSWORD ?? '' };
    return { dataDir, seedDemo, env, lock, admin, notices };
  }
  env.ADMIN_EMAIL ??= DEFAULT_ADMIN_EMAIL;
  let passwordFile: string | undefined;
  if (!env.ADMIN_PASSWORD) {
    passwordFile = join(dataDir, 'admin-password');
    if (!existsSync(passwordFile)) {
      writeFileSync(passwordFile, `${randomBytes(12).toString('base64url')}\n`, { mode: 0o600 });
    }
    env.ADMIN_PASSWORD = readFileSync(passwordFile, 'utf8').trim();
  }
  return {
    dataDir,
    seedDemo,
    env,
    lock,
    notices,
    admin: { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD, passwordFile },
  };
}

export interface BannerOptions {
  url: string;
  dataDir: string;
  admin: PlatformAdmin;
  infrastructure: string[];
  mailbox: boolean;
  /** Work still running after start-up, e.g. `demo data: seeding (about half a minute)…`. */
  background?: string[];
  /** Settings changed on the person's behalf (PlatformEnvironment.notices). */
  notices?: string[];
}

/** The few lines a newcomer needs after `npm start`; plain text, apart from the JSON logs. */
export function printBanner(options: BannerOptions): void {
  const { url, admin } = options;
  const password = admin.passwordFile
    ? `password ${admin.password} (generated, kept in ${admin.passwordFile})`
    : 'password from ADMIN_PASSWORD';
  const lines = [
    '',
    `CourseHub is ready at ${url}`,
    `  API docs   ${url}/docs`,
    ...(admin.email ? [`  Admin      ${admin.email}, ${password}`] : []),
    `  Data       ${options.dataDir}`,
    ...(options.mailbox ? [`  E-mails    ${url}/dev/mailbox`] : []),
    ...options.infrastructure.map((line) => `  ${line}`),
    ...(options.notices ?? []).map((line) => `  Note: ${line}`),
    ...(options.background ?? []).map((line) => `  Still running: ${line}`),
    `  Start here ${url}/`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

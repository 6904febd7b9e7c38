/*
 * Fills a running CourseHub with demo data through its public HTTP API (npm run seed).
 *
 *   COURSEHUB_URL   the platform (default http://localhost:3000)
 *   ADMIN_EMAIL     its admin (default admin@coursehub.local)
 *   ADMIN_PASSWORD  the admin's password; unset: the one the platform generated in
 *                   ${DATA_DIR:-./data}/admin-password
 *
 * The platform must allow the seeding's burst of logins and registrations from one IP: start it
 * with AUTH_THROTTLE_LIMIT at least DEMO_SEED_CREDENTIAL_REQUESTS (printed on a 429).
 * Running it again changes nothing once the demo data is there.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { seedDemoData } from '@coursehub/embedded';

const DEFAULT_ADMIN_EMAIL = 'admin@coursehub.local';

function adminPassword(env: NodeJS.ProcessEnv): string {
  if (env.ADMIN_PASSWORD) return env.ADMIN_PASSWORD;
  const file = join(resolve(env.DATA_DIR ?? './data'), 'admin-password');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new Error(
      `ADMIN_PASSWORD is not set and ${file} cannot be read (${(error as Error).message}): ` +
        'set ADMIN_PASSWORD, or DATA_DIR to the data directory of the running platform',
      { cause: error },
    );
  }
}

async function main(): Promise<void> {
  const baseUrl = process.env.COURSEHUB_URL ?? 'http://localhost:3000';
  const admin = {
    email: process.env.ADMIN_EMAIL ?? DEFAULT_ADMIN_EMAIL,
    password: adminPassword(process.env),
  };
  console.log(`Seeding demo data into ${baseUrl} as ${admin.email}`);
  const summary = await seedDemoData({ baseUrl, admin, log: (line) => console.log(line) });
  console.log(JSON.stringify(summary));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

/*
 * The split deployment for local work (npm run dev:split): auth, course, order and email as four
 * Node processes over the Kafka mock cluster, each on its own database, until Ctrl-C.
 *
 *   DATABASE_URL    PostgreSQL server for the per-service databases coursehub_auth, coursehub_course
 *                   and coursehub_order, created when missing and kept
 *                   (default postgres://postgres@127.0.0.1:5432/postgres)
 *   DATA_DIR        local state: auth's dev signing key, the embedded MongoDB's data, the generated
 *                   admin password (default ./data/split)
 *   ADMIN_EMAIL     first admin (default admin@coursehub.local); ADMIN_PASSWORD, else one generated
 *                   once and kept in $DATA_DIR/admin-password
 *   MONGO_URL       a MongoDB for the e-mail service instead of the embedded wire server
 *   SMTP_URL        an SMTP relay instead of the sink (whose e-mails are printed here)
 *   SPLIT_BASE_PORT auth listens on it, course, order and email on the next three (default 3001);
 *                   free ports are picked when one of them is taken
 *   LOG_LEVEL       of the four apps (default info)
 *
 * Runs the built dist/ (the npm script builds first) and needs the Kafka mock launcher that
 * `npm run setup` builds (tools/kafka-mock; librdkafka-dev and a C compiler).
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';

import { isPortFree, type PlatformAdmin, preparePlatformEnvironment } from '@coursehub/embedded';
import {
  kafkaMockPaths,
  SPLIT_APPS,
  type SplitApp,
  type SplitDeployment,
  startSplitDeployment,
} from '@coursehub/testing';

const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_BASE_PORT = 3001;
const MAILBOX_POLL_MS = 1_000;

function kafkaLauncherOrExit(): void {
  const { binary } = kafkaMockPaths();
  if (existsSync(binary)) return;
  console.error(
    `dev:split needs the Kafka mock cluster launcher ${relative(process.cwd(), binary)}, which is not built.\n` +
      'Run `npm run setup` once (it installs librdkafka-dev and builds tools/kafka-mock), then try again.',
  );
  process.exit(1);
}

/** SPLIT_BASE_PORT and the next three when all are free, otherwise free ports (undefined). */
async function choosePorts(): Promise<Partial<Record<SplitApp, number>> | undefined> {
  const base = Number(process.env.SPLIT_BASE_PORT ?? DEFAULT_BASE_PORT);
  if (!Number.isInteger(base) || base < 1 || base > 65_532) {
    throw new Error(`SPLIT_BASE_PORT must be a port number, got ${process.env.SPLIT_BASE_PORT}`);
  }
  const ports = Object.fromEntries(SPLIT_APPS.map((app, index) => [app, base + index])) as Record<
    SplitApp,
    number
  >;
  const free = await Promise.all(SPLIT_APPS.map((app) => isPortFree(ports[app])));
  if (free.every(Boolean)) return ports;
  console.log(`Ports ${base}-${base + SPLIT_APPS.length - 1} are not all free: using free ports instead.`);
  return undefined;
}

function printReadyBanner(deployment: SplitDeployment, admin: PlatformAdmin): void {
  const password = admin.passwordFile
    ? `password ${admin.password} (generated, kept in ${admin.passwordFile})`
    : 'password from ADMIN_PASSWORD';
  const databases = Object.entries(deployment.databaseUrls)
    .map(([, url]) => new URL(url).pathname.slice(1))
    .join(', ');
  const row = (label: string, value: string) => `  ${label.padEnd(12)}${value}`;
  const lines = [
    '',
    'CourseHub split deployment is ready: four services over Kafka',
    ...SPLIT_APPS.map((app) => row(app, `${deployment.urls[app]}  (API docs ${deployment.urls[app]}/docs)`)),
    row('Admin', `${admin.email}, ${password}`),
    row('Kafka', `librdkafka mock cluster at ${deployment.kafka.bootstrapServers.join(',')}`),
    row('PostgreSQL', `${databases} on ${new URL(deployment.databaseUrls.auth).host}`),
    row(
      'MongoDB',
      deployment.mongo ? `embedded wire server, data in ${deployment.dataDir}/mongo` : 'MONGO_URL',
    ),
    row(
      'E-mails',
      deployment.smtp ? `SMTP sink at ${deployment.smtpUrl}, printed below as they arrive` : 'SMTP_URL',
    ),
    row('Data', deployment.dataDir),
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Prints every e-mail the sink receives: with no /dev/mailbox in split mode, this is where they show. */
function printEmailsAsTheyArrive(deployment: SplitDeployment): NodeJS.Timeout | undefined {
  const sink = deployment.smtp;
  if (!sink) return undefined;
  let printed = 0;
  return setInterval(() => {
    for (const message of sink.messages.slice(printed)) {
      console.log(`mail    | to ${message.to.join(', ')}: ${message.subject ?? '(no subject)'}`);
    }
    printed = sink.messages.length;
  }, MAILBOX_POLL_MS).unref();
}

async function main(): Promise<void> {
  kafkaLauncherOrExit();
  const postgresUrl = process.env.DATABASE_URL ?? DEFAULT_POSTGRES_URL;
  // The platform's rules for the first admin: ADMIN_* when set, else a password generated once in DATA_DIR.
  const { dataDir, admin } = preparePlatformEnvironment({
    ...process.env,
    DATA_DIR: resolve(process.env.DATA_DIR ?? './data/split'),
  });

  let shuttingDown = false;
  // Read by the signal handlers, which are installed before it exists.
  const running: { deployment?: SplitDeployment } = {};
  const shutdown = async (exitCode: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    console.log('\nStopping the split deployment…');
    try {
      await running.deployment?.stop();
      console.log('Stopped.');
    } catch (error) {
      console.error(`Stopping failed: ${(error as Error).message}`);
      exitCode = 1;
    }
    process.exit(exitCode);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      // Ctrl-C during start-up, or a second one while stopping: exit now (children are killed on exit).
      if (!running.deployment) process.exit(130);
      if (shuttingDown) process.exit(130);
      void shutdown(0);
    });
  }

  console.log(
    `Starting auth, course, order and email over Kafka (databases on ${new URL(postgresUrl).host})…`,
  );
  const deployment = await startSplitDeployment({
    postgresUrl,
    databases: 'persistent',
    dataDir,
    admin: admin.email && admin.password ? admin : undefined,
    ports: await choosePorts(),
    mongoUrl: process.env.MONGO_URL,
    smtpUrl: process.env.SMTP_URL,
    output: 'inherit',
    logLevel: process.env.LOG_LEVEL ?? 'info',
    onUnexpectedExit: (app, code, signal) => {
      console.error(`${app} exited unexpectedly (code ${code}, signal ${signal}): stopping the others.`);
      void shutdown(1);
    },
  });
  running.deployment = deployment;
  printReadyBanner(deployment, admin);
  printEmailsAsTheyArrive(deployment);
  // The child processes and servers keep the event loop alive until a signal stops them.
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const refused = (error as { code?: string }).code === 'ECONNREFUSED';
  console.error(
    refused
      ? `Cannot reach PostgreSQL (${message}): start it or set DATABASE_URL to a server you can create databases on.`
      : `dev:split failed: ${message}`,
  );
  process.exit(1);
});

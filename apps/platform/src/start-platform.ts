// Loaded by main.ts once the port is known to be free.
// First: starts tracing (when configured) before the modules it instruments are loaded.
import '@coursehub/core/start-tracing';
import 'reflect-metadata';
import {
  DEMO_PASSWORD,
  preparePlatformEnvironment,
  printBanner,
  seedDemoData,
  startPlatformInfrastructure,
} from '@coursehub/embedded';
import {
  assertPortAvailable,
  internalRequestHeaders,
  LandingState,
  sizeThreadpoolForHashing,
} from '@coursehub/core';
import { runMain, startApp } from '@coursehub/messaging';
import { Logger } from '@nestjs/common';
import { PLATFORM_DATABASE_FEATURES, platformModule } from './platform.module';

// Before anything starts libuv's threadpool: argon2 hashes there, beside fs and DNS work.
sizeThreadpoolForHashing();

const DEMO_TASK = 'demo data';

/** Every feature in one process on embedded infrastructure; each part switches to the real thing when configured. */
async function startPlatform(): Promise<void> {
  // Before the data directory, the databases and the consumers: a busy port fails in milliseconds.
  await assertPortAvailable(undefined, process.env);
  const { dataDir, admin, seedDemo, env, notices } = preparePlatformEnvironment(process.env);
  const infrastructure = await startPlatformInfrastructure({
    databaseFeatures: PLATFORM_DATABASE_FEATURES,
    dataDir,
    env,
  });
  const { app, url } = await startApp(
    platformModule({
      transport: env.KAFKA_BROKERS ? 'kafka' : 'in-process',
      databases: infrastructure.databases,
      mongoUrl: infrastructure.mongoUrl,
      smtpUrl: infrastructure.smtpUrl,
      mailbox: infrastructure.mailbox,
      env,
      landing: {
        admin: admin.email ? { email: admin.email, passwordFile: admin.passwordFile } : undefined,
        dataDir,
        infrastructure: [...infrastructure.describe(), ...notices],
      },
    }),
    {
      title: 'CourseHub',
      description: 'The whole CourseHub platform in one process.',
      env,
      // Embedded databases and servers stop once the features have closed their connections.
      afterClose: () => infrastructure.stop(),
    },
  );
  const baseUrl = url.replace('127.0.0.1', 'localhost').replace('0.0.0.0', 'localhost');
  const landing = app.get(LandingState);
  const logger = new Logger('DemoData');
  if (seedDemo) {
    // In the background: the platform serves while the demo data (about 40 s) goes in.
    // Its progress is at debug; one line says when it is done (and `/` shows where it is).
    landing.track({
      name: DEMO_TASK,
      status: 'running',
      detail: 'seeding in the background, about 40 s',
    });
    // Its ~2,000 requests are the platform's own: their access lines are debug.
    seedDemoData({
      baseUrl,
      admin,
      headers: internalRequestHeaders(),
      log: (line) => logger.debug(line),
    }).then(
      (summary) => {
        const detail = summary.skipped
          ? 'already present'
          : `${summary.courses} courses, ${summary.students} students, ${summary.orders} orders; ` +
            `log in as student01@demo.coursehub.local / ${DEMO_PASSWORD}`;
        landing.track({ name: DEMO_TASK, status: 'done', detail });
        logger.log(`Demo data ready: ${detail}`);
      },
      (error: unknown) => {
        landing.track({ name: DEMO_TASK, status: 'failed', detail: String(error) });
        logger.error(`Demo data failed: ${String(error)}`);
      },
    );
  }
  // Last: everything above is up; what still runs is named.
  printBanner({
    url: baseUrl,
    dataDir,
    admin,
    infrastructure: infrastructure.describe(),
    mailbox: infrastructure.mailbox !== undefined,
    notices,
    background: seedDemo
      ? [
          `demo data is being seeded (about half a minute; "Demo data ready" is logged when done, ${baseUrl}/ shows progress)`,
        ]
      : [],
  });
}

runMain(startPlatform);

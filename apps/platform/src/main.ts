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
import { sizeThreadpoolForHashing } from '@coursehub/core';
import { runMain, startApp } from '@coursehub/messaging';
import { Logger } from '@nestjs/common';
import { PLATFORM_DATABASE_FEATURES, platformModule } from './platform.module';

// Before anything starts libuv's threadpool: argon2 hashes there, beside fs and DNS work.
sizeThreadpoolForHashing();

/** Every feature in one process on embedded infrastructure; each part switches to the real thing when configured. */
async function startPlatform(): Promise<void> {
  const { dataDir, admin, seedDemo, env } = preparePlatformEnvironment(process.env);
  const infrastructure = await startPlatformInfrastructure({
    databaseFeatures: PLATFORM_DATABASE_FEATURES,
    dataDir,
    env,
  });
  const { url } = await startApp(
    platformModule({
      transport: env.KAFKA_BROKERS ? 'kafka' : 'in-process',
      databases: infrastructure.databases,
      mongoUrl: infrastructure.mongoUrl,
      smtpUrl: infrastructure.smtpUrl,
      mailbox: infrastructure.mailbox,
      env,
    }),
    {
      title: 'CourseHub',
      description: 'The whole CourseHub platform in one process.',
      // Embedded databases and servers stop once the features have closed their connections.
      afterClose: () => infrastructure.stop(),
    },
  );
  const baseUrl = url.replace('127.0.0.1', 'localhost').replace('0.0.0.0', 'localhost');
  printBanner({
    url: baseUrl,
    dataDir,
    admin,
    infrastructure: infrastructure.describe(),
    mailbox: infrastructure.mailbox !== undefined,
  });
  if (seedDemo) {
    // In the background: the platform serves while the demo data (about half a minute) goes in.
    const logger = new Logger('DemoData');
    seedDemoData({ baseUrl, admin, log: (line) => logger.log(line) }).then(
      (summary) =>
        logger.log(
          summary.skipped
            ? 'Demo data already present'
            : `Demo data ready: ${summary.courses} courses, ${summary.students} students, ${summary.orders} orders; ` +
                `log in as student01@demo.coursehub.local / ${DEMO_PASSWORD}`,
        ),
      (error: unknown) => logger.error(`Demo data failed: ${String(error)}`),
    );
  }
}

runMain(startPlatform);

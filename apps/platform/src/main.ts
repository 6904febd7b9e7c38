import 'reflect-metadata';
import { createHttpApp, listen } from '@coursehub/core';
import { DEMO_PASSWORD, preparePlatformEnvironment, printBanner, seedDemoData, startPlatformInfrastructure } from '@coursehub/embedded';
import { Logger } from '@nestjs/common';
import { connectMessaging } from '@coursehub/messaging';
import { platformModule } from './platform.module';

/** Every feature in one process on embedded infrastructure; each part switches to the real thing when configured. */
async function bootstrap(): Promise<void> {
  const { dataDir, admin, seedDemo } = preparePlatformEnvironment(process.env);
  const infrastructure = await startPlatformInfrastructure({
    databaseFeatures: ['auth', 'course', 'order'],
    dataDir,
  });
  // The e-mail feature reads these like any other configuration.
  process.env.MONGO_URL = infrastructure.mongoUrl;
  process.env.SMTP_URL = infrastructure.smtpUrl;

  const app = await createHttpApp(
    platformModule({
      transport: process.env.KAFKA_BROKERS ? 'kafka' : 'in-process',
      databases: infrastructure.databases,
      mailbox: infrastructure.mailbox,
    }),
    {
      title: 'CourseHub',
      description: 'The whole CourseHub platform in one process.',
      // Embedded databases and servers stop once the features have closed their connections.
      afterClose: () => infrastructure.stop(),
    },
  );
  connectMessaging(app);
  await app.startAllMicroservices();
  const url = (await listen(app)).replace('[::1]', 'localhost').replace('0.0.0.0', 'localhost');
  printBanner({
    url,
    dataDir,
    admin,
    infrastructure: infrastructure.describe(),
    mailbox: infrastructure.mailbox !== undefined,
  });
  if (seedDemo) {
    // In the background: the platform serves while the demo data (about half a minute) goes in.
    const logger = new Logger('DemoData');
    seedDemoData({ baseUrl: url, admin, log: (line) => logger.log(line) }).then(
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

void bootstrap();

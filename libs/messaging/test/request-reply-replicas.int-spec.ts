import {
  createTemporaryDatabase,
  KafkaMockCluster,
  TemporaryDatabase,
  TestTokenIssuer,
} from '@coursehub/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRootModule, defineFeature, FeatureModule, MessageBus, startApp } from '../src';
import { echo, eventually, startLedgerApp } from './ledger-test-app';
import { report } from './support';

/**
 * Request/reply with several callers of one service (like order replicas asking course): each
 * caller's reply consumer has a group of its own, so it sees every reply, whatever the number of
 * replicas and the partitions of the reply topic (one here, created before anyone subscribes: in
 * a shared group only one replica would own it and the others would never get their replies).
 */
const CALLERS = 3;
const REQUESTS_PER_CALLER = 100;

class CallerModule {
  static register(): FeatureModule {
    return defineFeature(CallerModule, {
      name: 'caller',
      requestTopics: [echo.topic],
      consumesMessages: false,
    });
  }
}

describe('request/reply with several caller replicas on Kafka', () => {
  let database: TemporaryDatabase;
  let cluster: KafkaMockCluster;
  let answering: NestFastifyApplication;
  const callers: { app: NestFastifyApplication; url: string }[] = [];
  const logFile = join(tmpdir(), `coursehub-request-reply-${process.pid}.log`);

  beforeAll(async () => {
    database = await createTemporaryDatabase('request_reply_test');
    cluster = await KafkaMockCluster.start({ brokers: 1 });
    await cluster.createTopic(`${echo.topic}.reply`, 1);
    const env = {
      LOG_FILE: logFile,
      LOG_LEVEL: 'warn',
      KAFKA_BROKERS: cluster.bootstrapServers.join(','),
      KAFKA_MAX_WAIT_MS: '50',
      KAFKA_IDEMPOTENT_PRODUCER: 'false',
      KAFKA_GROUP_ID: `echo-${Date.now()}`,
    };
    ({ app: answering } = await startLedgerApp('kafka', { ...env, DATABASE_URL: database.url }));
    // The callers: one service, three replicas (the same KAFKA_GROUP_ID), started together.
    callers.push(
      ...(await Promise.all(
        Array.from({ length: CALLERS }, () =>
          startApp(
            createRootModule({
              service: 'caller',
              transport: 'kafka',
              features: [CallerModule.register()],
              env: { ...process.env, ...env, JWT_PUBLIC_KEY: new TestTokenIssuer().publicKeyPem },
            }),
            { title: 'caller', listenOn: { port: 0, host: '127.0.0.1' } },
          ),
        ),
      )),
    );
  }, 90_000);

  afterAll(async () => {
    await Promise.all([answering?.close(), ...callers.map((caller) => caller.app.close())]);
    await cluster?.stop();
    await database?.drop();
    rmSync(logFile, { force: true });
  });

  it('answers every request of every caller, with the reply topic on one partition', async () => {
    const started = Date.now();
    // A caller is ready once it receives replies: every one of them, each in its own reply group.
    const readiness = await Promise.all(
      callers.map((caller) =>
        eventually(
          async () => (await fetch(`${caller.url}/health/ready`)).status,
          (status) => status === 200,
          60_000,
          200,
        ),
      ),
    );
    expect(readiness).toEqual(Array(CALLERS).fill(200));
    const readyMs = Date.now() - started;

    const outcomes = await Promise.all(
      callers.flatMap((caller, callerIndex) =>
        Array.from({ length: REQUESTS_PER_CALLER }, (_, index) =>
          caller.app
            .get(MessageBus)
            .request(echo, { text: `caller ${callerIndex} request ${index}` }, { timeoutMs: 15_000 })
            .then(
              (reply) => reply.text === `CALLER ${callerIndex} REQUEST ${index}`,
              () => false,
            ),
        ),
      ),
    );
    const succeeded = outcomes.filter(Boolean).length;
    report('request/reply replicas', {
      callers: CALLERS,
      requests: outcomes.length,
      succeeded,
      readyMs,
      ms: Date.now() - started,
    });
    expect(succeeded).toBe(CALLERS * REQUESTS_PER_CALLER);
  }, 120_000);
});

// First, as in every app root (apps/*/src/<app>-service.ts): tracing starts (when configured) before what it instruments loads.
import '@coursehub/core/start-tracing';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { createServer, get } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';

/*
 * A process started by observability.int-spec.ts the way a service starts: it reports whether the
 * tracing SDK was loaded, then (with TRACED_PROCESS_WORK=1) answers one HTTP request with a
 * PostgreSQL query, a MongoDB insert and a Kafka send, and ends normally (which exports the spans).
 */
async function work(): Promise<void> {
  const pg = new Client({ connectionString: process.env.TRACED_PROCESS_POSTGRES_URL });
  await pg.connect();
  await pg.query('SELECT 1 AS traced');
  await pg.end();
  const mongo = await MongoClient.connect(process.env.TRACED_PROCESS_MONGO_URL!);
  await mongo.db().collection('traced').insertOne({ traced: true });
  await mongo.close();
  const kafka = new Kafka({
    brokers: process.env.TRACED_PROCESS_KAFKA_BROKERS!.split(','),
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  await producer.send({ topic: 'coursehub.test.traced.v1', messages: [{ value: 'traced' }] });
  await producer.disconnect();
}

async function main(): Promise<void> {
  const sdkLoaded = Object.keys(require.cache).some((file) => file.includes('@opentelemetry/sdk-trace'));
  process.stdout.write(`${JSON.stringify({ sdkLoaded })}\n`);
  if (process.env.TRACED_PROCESS_WORK !== '1') return;
  const server = createServer((_request, response) => {
    work().then(
      () => response.end('done'),
      (error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const answer = await new Promise<string>((resolve, reject) => {
    get(`http://127.0.0.1:${port}/traced-work`, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve(`${response.statusCode} ${body}`));
    }).on('error', reject);
  });
  server.close();
  process.stdout.write(`${JSON.stringify({ answer })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});

import { MongoWireServer } from '@coursehub/embedded';
import { createTemporaryDatabase, KafkaMockCluster, TemporaryDatabase } from '@coursehub/testing';
import { execFile } from 'node:child_process';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

/*
 * The tracing start-up as a service runs it, in a real Node process (jest's module loader hides
 * modules from the instrumentations, so this cannot run inside jest): off unless an OTLP endpoint
 * is set, and then spans of HTTP, pg, MongoDB and kafkajs exported over OTLP/HTTP to a receiver.
 */
const run = promisify(execFile);
const SCRIPT = join(__dirname, 'support', 'traced-process.ts');

function runTracedProcess(env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
  return run(process.execPath, ['-r', '@swc-node/register', SCRIPT], {
    cwd: join(__dirname, '..', '..'),
    env: { ...clean, ...env },
    timeout: 60_000,
  });
}

const lines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('tracing start-up (start-tracing in a real process)', () => {
  it('does not load the SDK when no OTLP endpoint is configured', async () => {
    const { stdout } = await runTracedProcess({});
    expect(lines(stdout)).toEqual([{ sdkLoaded: false }]);
  }, 60_000);

  describe('with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
    let receiver: Server;
    const exports: { path: string; contentType: string; body: Buffer }[] = [];
    let database: TemporaryDatabase;
    let mongo: MongoWireServer;
    let kafka: KafkaMockCluster;

    beforeAll(async () => {
      receiver = createServer((request: IncomingMessage, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          exports.push({
            path: request.url ?? '',
            contentType: String(request.headers['content-type']),
            body: Buffer.concat(chunks),
          });
          response.end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      [database, mongo, kafka] = await Promise.all([
        createTemporaryDatabase('traced_process'),
        MongoWireServer.start(),
        KafkaMockCluster.start({ brokers: 1 }),
      ]);
    }, 60_000);

    afterAll(async () => {
      receiver?.close();
      await Promise.all([database?.drop(), mongo?.stop(), kafka?.stop()]);
    });

    it('exports spans of the HTTP request and the pg, MongoDB and Kafka calls it made', async () => {
      const { port } = receiver.address() as AddressInfo;
      const { stdout } = await runTracedProcess({
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_SERVICE_NAME: 'coursehub-traced-process',
        TRACED_PROCESS_WORK: '1',
        TRACED_PROCESS_POSTGRES_URL: database.url,
        TRACED_PROCESS_MONGO_URL: `${mongo.url}traced`,
        TRACED_PROCESS_KAFKA_BROKERS: kafka.bootstrapServers.join(','),
      });
      expect(lines(stdout)).toEqual([{ sdkLoaded: true }, { answer: '200 done' }]);
      expect(exports.length).toBeGreaterThan(0);
      expect(exports.map(({ path, contentType }) => `${path} ${contentType}`)).toContain(
        '/v1/traces application/x-protobuf',
      );
      // OTLP protobuf keeps strings as UTF-8: the resource and the instrumentation scopes are readable.
      const payload = Buffer.concat(exports.map(({ body }) => body)).toString('latin1');
      const scopes = [
        'coursehub-traced-process',
        '@opentelemetry/instrumentation-http',
        '@opentelemetry/instrumentation-pg',
        '@opentelemetry/instrumentation-mongodb',
        '@opentelemetry/instrumentation-kafkajs',
      ];
      expect(scopes.filter((scope) => payload.includes(scope))).toEqual(scopes);
    }, 90_000);
  });
});

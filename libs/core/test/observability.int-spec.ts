import { CoreModule, coreEnvSchema, createHttpApp, jwtVerifierEnvSchema } from '@coursehub/core';
import { startTracing, Tracing } from '@coursehub/core/tracing-sdk';
import { Controller, Get, Logger, Module } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@coursehub/testing';

@Controller('lessons')
class LessonsController {
  private readonly logger = new Logger('Lessons');

  @Get()
  list(): { items: string[] } {
    this.logger.log('listing lessons');
    return { items: [] };
  }
}

interface LogLine {
  msg?: string;
  requestId?: string;
  trace_id?: string;
  span_id?: string;
}

/** Core observability of every app: metric names and labels, probe exclusion, trace ids in logs. */
describe('metrics and traced logs of the HTTP app', () => {
  const exporter = new InMemorySpanExporter();
  const directory = mkdtempSync(join(tmpdir(), 'coursehub-observability-'));
  const logFile = join(directory, 'app.log');
  let tracing: Tracing;
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    tracing = startTracing({ serviceName: 'coursehub-core-test', exporter });
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const env = {
      LOG_LEVEL: 'info',
      LOG_FILE: logFile,
      JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
    @Module({
      imports: [CoreModule.forRoot({ envSchema: coreEnvSchema.extend(jwtVerifierEnvSchema.shape), env })],
      controllers: [LessonsController],
    })
    class ObservedModule {}
    app = await createHttpApp(ObservedModule, { title: 'observability test app' });
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await tracing?.shutdown();
    rmSync(directory, { recursive: true, force: true });
  });

  const scrape = async () => (await fetch(`${baseUrl}/metrics`)).text();

  it('names every CourseHub metric coursehub_* and publishes coursehub_build_info', async () => {
    const metrics = await scrape();
    expect(metrics).toMatch(
      new RegExp(
        `^coursehub_build_info\\{version="0\\.1\\.0",commit="[^"]+",node="${process.versions.node.replace(/\./g, '\\.')}"\\} 1$`,
        'm',
      ),
    );
    const names = [...metrics.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]);
    // Node's default process metrics keep their standard names; everything else has the prefix.
    expect(names.filter((name) => !/^(coursehub|process|nodejs)_/.test(name))).toEqual([]);
    expect(names).toEqual(
      expect.arrayContaining(['coursehub_build_info', 'coursehub_http_request_duration_seconds']),
    );
  });

  it('leaves probes and scrapes out of the HTTP latency histogram', async () => {
    for (const path of ['/health/live', '/health/ready', '/metrics', '/lessons']) {
      expect((await fetch(baseUrl + path)).status).toBe(200);
    }
    const series = [
      ...(await scrape()).matchAll(/^coursehub_http_request_duration_seconds_count\{([^}]*)\}/gm),
    ].map((match) => match[1]);
    expect(series).toContain('method="GET",route="/lessons",status_code="200"');
    expect(series.filter((labels) => /route="\/(health|metrics)/.test(labels))).toEqual([]);
  });

  it('writes the trace and span ids of the request into its log lines', async () => {
    exporter.reset();
    const response = await fetch(`${baseUrl}/lessons`, { headers: { 'x-request-id': 'traced-lessons-1' } });
    expect(response.status).toBe(200);
    const line = await eventually(
      () =>
        readFileSync(logFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((text) => JSON.parse(text) as LogLine)
          .find((entry) => entry.msg === 'listing lessons' && entry.requestId === 'traced-lessons-1'),
      (found) => found !== undefined,
      10_000,
    );
    const requestSpan = exporter
      .getFinishedSpans()
      .find(
        (span) => span.attributes['url.path'] === '/lessons' || span.attributes['http.target'] === '/lessons',
      );
    expect(requestSpan).toBeDefined();
    expect(line).toMatchObject({
      trace_id: requestSpan!.spanContext().traceId,
      span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
  });
});

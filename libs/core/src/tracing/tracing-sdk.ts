import { FastifyOtelInstrumentation } from '@fastify/otel';
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  SimpleSpanProcessor,
  SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { IncomingMessage } from 'node:http';
import { buildInfo } from '../metrics/build-info';
import { isOperationalRoute } from '../metrics/registry';

export interface TracingOptions {
  /** `service.name` of the spans, e.g. `coursehub-order`. */
  serviceName: string;
  /**
   * Where spans go. Default: OTLP over HTTP/protobuf, configured by the standard
   * OTEL_EXPORTER_OTLP_* variables, batched. A given exporter (tests: in memory) gets each span as
   * it ends.
   */
  exporter?: SpanExporter;
}

export interface Tracing {
  provider: NodeTracerProvider;
  /** Flushes what is buffered and stops exporting. */
  shutdown(): Promise<void>;
}

/** Probes and scrapes make no traces, as they count in no latency histogram. */
function isOperationalRequest(request: IncomingMessage): boolean {
  return isOperationalRoute((request.url ?? '').split('?')[0]);
}

/**
 * Starts the OpenTelemetry Node tracing SDK: W3C trace-context propagation, the async-hooks context
 * manager and the instrumentations of what CourseHub talks to: HTTP (server and client), Fastify
 * routes and hooks, PostgreSQL (pg), Kafka (kafkajs: spans and headers) and MongoDB. The
 * instrumentations patch modules as they are loaded, so this runs before the app's imports (see
 * start-tracing.ts).
 */
export function startTracing(options: TracingOptions): Tracing {
  const build = buildInfo();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: build.version,
      'vcs.ref.head.revision': build.commit,
    }),
    spanProcessors: [
      options.exporter
        ? new SimpleSpanProcessor(options.exporter)
        : new BatchSpanProcessor(new OTLPTraceExporter()),
    ],
  });
  provider.register();
  const instrumentations: Instrumentation[] = [
    new HttpInstrumentation({ ignoreIncomingRequestHook: isOperationalRequest }),
    new FastifyOtelInstrumentation({
      registerOnInitialization: true,
      ignorePaths: (route: { url: string }) => isOperationalRoute(route.url),
    }),
    new PgInstrumentation({ requireParentSpan: true }),
    new KafkaJsInstrumentation(),
    new MongoDBInstrumentation({ requireParentSpan: true }),
  ];
  const disable = registerInstrumentations({ tracerProvider: provider, instrumentations });
  return {
    provider,
    async shutdown() {
      disable();
      await provider.shutdown();
      // Unregister the globals, so a later startTracing in this process (tests) takes effect.
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

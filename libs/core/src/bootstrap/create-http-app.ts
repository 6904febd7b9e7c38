import { Type } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { Logger } from 'nestjs-pino';
import helmet from 'helmet';
import type { IncomingMessage } from 'node:http';
import { CoreEnv, coreEnvSchema, parseEnv } from '../config';
import { normaliseCorrelationId, REQUEST_ID_HEADER, runWithCorrelationId } from '../context';
import { createValidationPipe } from '../errors/validation';
import { AppLogger, installAccessLog } from '../logging/app-logger';
import { httpRequestDuration, isOperationalRoute } from '../metrics';
import { clientErrorReply, frameworkErrorReply, installTextGuard, jsonBodyParser } from './hostile-input';
import { buildOpenApiDocument } from './openapi';
import { ProbeAwareExceptionFilter } from './probe-aware-exception.filter';
import { releaseStartupGarbage } from './start-up';

/** Largest request body accepted (413 beyond). */
const BODY_LIMIT_BYTES = 1024 * 1024;

export interface HttpAppOptions {
  /** Title of the OpenAPI document, e.g. "CourseHub auth service". */
  title: string;
  description?: string;
  /** One-line descriptions of this app's OpenAPI tags (beside the defaults of core). */
  tags?: Record<string, string>;
  /**
   * Runs on SIGTERM/SIGINT after the app has closed (pools ended, consumers stopped) and before the
   * process exits: for what the app runs on but Nest does not own, such as embedded servers.
   */
  afterClose?: () => Promise<void>;
}

function installRequestContext(fastify: FastifyInstance): void {
  // Every hook, guard, handler and log line after this runs inside the request's correlation scope.
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    runWithCorrelationId(request.id, done);
  });
}

function installHttpMetrics(fastify: FastifyInstance): void {
  const duration = httpRequestDuration();
  fastify.addHook('onResponse', (request, reply, done) => {
    // The route template (`/courses/:id`), never the raw URL, keeps label cardinality bounded.
    const route = request.routeOptions.url ?? 'unmatched';
    if (isOperationalRoute(route)) return done();
    duration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}

export function setupOpenApi(app: NestFastifyApplication, options: HttpAppOptions): void {
  const document = buildOpenApiDocument(app, options);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}

/**
 * Builds a configured, not yet listening, Fastify-based Nest app: the same wiring for every
 * service, the platform and the tests.
 */
export async function createHttpApp(
  rootModule: Type<unknown>,
  options: HttpAppOptions,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    genReqId: (request: IncomingMessage) => normaliseCorrelationId(request.headers[REQUEST_ID_HEADER]),
    requestIdHeader: false,
    // Fastify takes a hop count too (proxy-addr), though the adapter's option type omits number.
    trustProxy: parseEnv(coreEnvSchema.pick({ TRUST_PROXY: true }), process.env).TRUST_PROXY as
      boolean | string[],
    bodyLimit: BODY_LIMIT_BYTES,
    frameworkErrors: frameworkErrorReply,
    clientErrorHandler: clientErrorReply,
  });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, {
    bufferLogs: true,
    // A failing module (bad configuration, unreachable database) rejects here, so the caller
    // reports it once (runMain) instead of Nest logging it and exiting on its own.
    abortOnError: false,
  });
  // nestjs-pino's logger, with Nest's module-initialisation and route-mapping chatter at debug.
  app.useLogger(new AppLogger(app.get(Logger)));
  const config = app.get<ConfigService<CoreEnv, true>>(ConfigService);

  const fastify = app.getHttpAdapter().getInstance();
  installRequestContext(fastify);
  installHttpMetrics(fastify);
  installAccessLog(fastify);
  installTextGuard(fastify);
  app.useBodyParser('application/json', { bodyLimit: BODY_LIMIT_BYTES }, jsonBodyParser(fastify));

  // Built once: @fastify/helmet calls helmet(options) on every request, re-parsing the CSP each
  // time (3 % of the CPU of GET /courses/:id). Pages with stricter needs set their own CSP.
  const secureHeaders = helmet({
    // Swagger UI needs inline scripts and styles; everything else keeps helmet's defaults.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
      },
    },
  });
  fastify.addHook('onRequest', (request, reply, done) =>
    secureHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)),
  );
  const origins = config.get('CORS_ORIGINS', { infer: true });
  if (origins.length > 0) {
    // `*` answers any origin with a literal `*` and never with credentials: reflecting every
    // origin together with credentials would let any web page read a signed-in user's answers.
    const anyOrigin = origins.includes('*');
    app.enableCors({
      origin: anyOrigin ? '*' : origins,
      credentials: !anyOrigin,
      exposedHeaders: [REQUEST_ID_HEADER],
    });
  }

  const errorFilter = new ProbeAwareExceptionFilter();
  fastify.addHook('onResponse', (request, reply, done) => {
    if (reply.statusCode === 200 && request.url.startsWith('/health/'))
      errorFilter.passed(request.url.split('?', 1)[0]);
    done();
  });
  app.useGlobalFilters(errorFilter);
  app.useGlobalPipes(createValidationPipe());
  if (options.afterClose) {
    const afterClose = options.afterClose;
    // Nest's own shutdown hooks exit right after closing the app; this waits for `afterClose` too.
    let closing: Promise<void> | undefined;
    const shutdown = async () => {
      try {
        await app.close();
        await afterClose();
      } finally {
        process.exit(0);
      }
    };
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        closing ??= shutdown();
      });
    }
  } else {
    app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  }
  setupOpenApi(app, options);
  return app;
}

/** Starts listening and arms a hard deadline for the graceful shutdown Nest performs on SIGTERM. */
export async function listen(
  app: NestFastifyApplication,
  listenOn?: { port: number; host: string },
): Promise<string> {
  const config = app.get<ConfigService<CoreEnv, true>>(ConfigService);
  const deadline = config.get('SHUTDOWN_TIMEOUT_MS', { infer: true });
  let stopping = false;
  // `on`, not `once`: a signal repeated during the graceful stop (a second `docker stop`, an
  // impatient supervisor) must not fall through to the default action and kill the drain halfway;
  // the deadline still bounds it. A second Ctrl-C is a person asking to quit now.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) {
        if (signal === 'SIGINT') process.exit(130);
        return;
      }
      stopping = true;
      setTimeout(() => process.exit(1), deadline).unref();
    });
  }
  releaseStartupGarbage();
  await app.listen(
    listenOn?.port ?? config.get('PORT', { infer: true }),
    listenOn?.host ?? config.get('HOST', { infer: true }),
  );
  return app.getUrl();
}

import fastifyHelmet from '@fastify/helmet';
import { Type } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { Logger } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { CoreEnv, coreEnvSchema, parseEnv } from '../config';
import { normaliseCorrelationId, REQUEST_ID_HEADER, runWithCorrelationId } from '../context';
import { HttpExceptionFilter } from '../errors';
import { createValidationPipe } from '../errors/validation';
import { httpRequestDuration, isOperationalRoute } from '../metrics';
import { clientErrorReply, frameworkErrorReply, installTextGuard, jsonBodyParser } from './hostile-input';

/** Largest request body accepted (413 beyond). */
const BODY_LIMIT_BYTES = 1024 * 1024;

export interface HttpAppOptions {
  /** Title of the OpenAPI document, e.g. "CourseHub auth service". */
  title: string;
  description?: string;
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
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.title)
      .setDescription(options.description ?? 'CourseHub API')
      .setVersion('1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
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
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  const config = app.get<ConfigService<CoreEnv, true>>(ConfigService);

  const fastify = app.getHttpAdapter().getInstance();
  installRequestContext(fastify);
  installHttpMetrics(fastify);
  installTextGuard(fastify);
  app.useBodyParser('application/json', { bodyLimit: BODY_LIMIT_BYTES }, jsonBodyParser(fastify));

  await app.register(fastifyHelmet, {
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

  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalPipes(createValidationPipe());
  if (options.afterClose) {
    const afterClose = options.afterClose;
    // Nest's own shutdown hooks exit right after closing the app; this waits for `afterClose` too.
    const shutdown = async () => {
      try {
        await app.close();
        await afterClose();
      } finally {
        process.exit(0);
      }
    };
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown());
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
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), deadline).unref());
  }
  await app.listen(
    listenOn?.port ?? config.get('PORT', { infer: true }),
    listenOn?.host ?? config.get('HOST', { infer: true }),
  );
  return app.getUrl();
}

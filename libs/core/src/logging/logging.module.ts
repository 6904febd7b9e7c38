import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import type { IncomingMessage } from 'node:http';
import { CoreEnv, redactSecrets } from '../config';
import { currentCorrelationId, normaliseCorrelationId, REQUEST_ID_HEADER } from '../context';
import { traceLogFields } from '../tracing';

/** Fields that only ever hold secrets, wherever they appear in a logged object (one or two levels deep). */
const SECRET_FIELDS = [
  'password',
  'currentPassword',
  'newPassword',
  'refreshToken',
  'accessToken',
  'privateKey',
  'secret',
  'token',
];

/**
 * What keeps secrets out of log lines: pino's redact paths for headers and secret fields, and
 * redactSecrets (URL passwords, private keys) on messages and errors, where a driver may have put
 * a connection string.
 */
export const secretRedaction = {
  redact: {
    paths: [
      'req.headers.authorization',
      'req.headers.cookie',
      'res.headers["set-cookie"]',
      ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
    ],
    censor: '[redacted]',
  },
  serializers: {
    err: (error: Error) => {
      const serialized = pino.stdSerializers.err(error) as Record<string, unknown>;
      for (const field of ['message', 'stack']) {
        if (typeof serialized[field] === 'string') serialized[field] = redactSecrets(serialized[field]);
      }
      return serialized;
    },
  },
  hooks: {
    logMethod(this: pino.Logger, args: unknown[], method: pino.LogFn) {
      const redacted = args.map((arg) => (typeof arg === 'string' ? redactSecrets(arg) : arg));
      return method.apply(this, redacted as Parameters<pino.LogFn>);
    },
  },
} satisfies Pick<pino.LoggerOptions, 'redact' | 'serializers' | 'hooks'>;

/** pino-pretty when installed (a devDependency: absent from the images), else undefined. */
function prettyTransportTarget(): string | undefined {
  try {
    return require.resolve('pino-pretty');
  } catch {
    return undefined;
  }
}

/**
 * Where log lines go: LOG_FILE (JSON, for sidecar shippers and tests); else stdout — as readable,
 * coloured single lines through pino-pretty when a person watches it (a terminal, in development,
 * pino-pretty installed), as JSON lines everywhere else (pipes, containers, production).
 */
export function logDestination(logFile: string | undefined, nodeEnv: string): pino.DestinationStream {
  const pretty =
    !logFile && process.stdout.isTTY && nodeEnv === 'development' ? prettyTransportTarget() : undefined;
  if (pretty) {
    return pino.transport({
      target: pretty,
      options: {
        colorize: true,
        singleLine: true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname,method,path,statusCode,durationMs',
      },
    });
  }
  return pino.destination({ dest: logFile ?? 1, sync: false, mkdir: true });
}

/**
 * Structured JSON logs through nestjs-pino. The request id comes from `x-request-id` (or is
 * generated) and is added to every line, HTTP or not, through the correlation scope; with tracing
 * on, `trace_id` and `span_id` too.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<CoreEnv, true>) => ({
        pinoHttp: [
          {
            level: config.get('LOG_LEVEL', { infer: true }),
            // The id is assigned by the HTTP layer before Nest runs (see bootstrap), reuse it.
            genReqId: (request: IncomingMessage) =>
              currentCorrelationId() ?? normaliseCorrelationId(request.headers[REQUEST_ID_HEADER]),
            customProps: () => ({}),
            // The request id and, when tracing is on, the trace and span ids of the active span.
            mixin: () => {
              const correlationId = currentCorrelationId();
              return { ...(correlationId ? { requestId: correlationId } : {}), ...traceLogFields() };
            },
            ...secretRedaction,
            serializers: {
              ...secretRedaction.serializers,
              req: (request: { id: string; method: string; url: string }) => ({
                id: request.id,
                method: request.method,
                url: request.url,
              }),
            },
            // Access lines are written by the HTTP layer (installAccessLog): one compact line per
            // request, probes and scrapes at debug; pino-http's own would repeat every header.
            autoLogging: false,
          },
          logDestination(config.get('LOG_FILE', { infer: true }), config.get('NODE_ENV', { infer: true })),
        ],
      }),
    }),
  ],
})
export class LoggingModule {}

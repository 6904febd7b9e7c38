import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import type { IncomingMessage } from 'node:http';
import { CoreEnv } from '../config';
import { currentCorrelationId, normaliseCorrelationId, REQUEST_ID_HEADER } from '../context';

/**
 * Structured JSON logs through nestjs-pino. The request id comes from `x-request-id` (or is
 * generated) and is added to every line, HTTP or not, through the correlation scope.
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
            mixin: () => {
              const correlationId = currentCorrelationId();
              return correlationId ? { requestId: correlationId } : {};
            },
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
              censor: '[redacted]',
            },
            serializers: {
              req: (request: { id: string; method: string; url: string }) => ({
                id: request.id,
                method: request.method,
                url: request.url,
              }),
            },
            autoLogging: {
              ignore: (request: IncomingMessage) => request.url?.startsWith('/health') ?? false,
            },
          },
          // LOG_FILE sends the JSON lines to a file instead of stdout (sidecar shippers, tests).
          pino.destination({ dest: config.get('LOG_FILE', { infer: true }) ?? 1, sync: false, mkdir: true }),
        ],
      }),
    }),
  ],
})
export class LoggingModule {}

/*
 * Import this first in a composition root (`import '@coursehub/core/start-tracing'`): it starts
 * tracing when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, before
 * the modules the instrumentations patch (http, pg, kafkajs, mongodb) are loaded. Without it, the
 * SDK is not even loaded: tracing off costs nothing but no-op API calls.
 */
import { basename, dirname } from 'node:path';
import type * as TracingSdk from './tracing-sdk';

function serviceName(env: NodeJS.ProcessEnv): string {
  if (env.OTEL_SERVICE_NAME) return env.OTEL_SERVICE_NAME;
  // dist/apps/<app>/src/main.js (APP in the images)
  const app = env.APP ?? basename(dirname(dirname(process.argv[1] ?? 'coursehub/src/main.js')));
  return `coursehub-${app}`;
}

const enabled =
  Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) &&
  process.env.OTEL_SDK_DISABLED !== 'true';

if (enabled) {
  // A synchronous require, on purpose: an `import()` would resolve after the app's own imports,
  // too late for the instrumentations to patch them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('./tracing-sdk') as typeof TracingSdk;
  const tracing = sdk.startTracing({ serviceName: serviceName(process.env) });
  // The app exits right after closing on SIGTERM: export what is buffered meanwhile (best effort;
  // Nest's own listeners still close the app and end the process).
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void tracing.provider.forceFlush().catch(() => undefined));
  }
  process.once('beforeExit', () => void tracing.shutdown());
}

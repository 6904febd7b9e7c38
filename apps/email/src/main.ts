// The email service's entry: a busy port is reported within milliseconds, before Nest and the
// feature load (seconds); then email-service.ts starts the service.
import { startAfterPreflight } from '@coursehub/core/preflight';

startAfterPreflight(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only once the port is free
  require('./email-service');
});

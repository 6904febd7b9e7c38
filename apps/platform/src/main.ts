// The platform's entry. A busy port is reported within milliseconds, before the seconds of loading
// Nest, the four features and the embedded databases; then start-platform.ts does the real work.
import { startAfterPreflight } from '@coursehub/core/preflight';

startAfterPreflight(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only once the port is free
  require('./start-platform');
});

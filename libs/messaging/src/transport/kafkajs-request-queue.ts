/**
 * A fix for kafkajs 2.2.4, its last release (the project is no longer maintained): every broker
 * connection's request queue schedules its pending-request check with
 * `setTimeout(check, throttledUntil - Date.now())` even when nothing is pending and no broker
 * throttles. `throttledUntil` is then -1, the delay a large negative number that Node turns into
 * 1 ms, and the check schedules itself again: a 1 ms timer loop for the life of every connection
 * (~840 wake-ups and ~6 % of a core per idle connection, measured here), and on Node 24 a
 * TimeoutNegativeWarning on stderr, the one line of an app's output that is not JSON
 * (tulios/kafkajs#1751; the fixes proposed upstream, #1755 and #1768, were never released).
 * Written by hand because no release carries it and npm applies no patches; the method below
 * replaces the library's `scheduleCheckPendingRequests` and keeps what it is for: a check once a
 * throttle ends, and a retry every CHECK_PENDING_REQUESTS_INTERVAL while requests wait.
 */

/** kafkajs's RequestQueue, the members this fix reads (the library ships no types for it). */
interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs's own interval between checks while requests wait for an in-flight slot. */
const CHECK_PENDING_REQUESTS_INTERVAL = 10;

function scheduleCheckPendingRequests(this: RequestQueueInternals): void {
  if (this.throttleCheckTimeoutId) return;
  const throttledFor = this.throttledUntil - Date.now();
  // Nothing waits and no throttle will end: a new request, or a response, checks again.
  if (this.pending.length === 0 && throttledFor <= 0) return;
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    throttledFor > 0 ? throttledFor : CHECK_PENDING_REQUESTS_INTERVAL,
  );
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module of kafkajs, untyped
const { prototype } = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueueInternals };
prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;

import {
  context,
  Context,
  isSpanContextValid,
  propagation,
  Span,
  SpanKind,
  SpanOptions,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

/*
 * Tracing as the code sees it: only `@opentelemetry/api`, whose calls are no-ops until an SDK is
 * registered (see start-tracing.ts). With tracing off nothing is recorded, propagated or stored.
 */

export const TRACER_NAME = 'coursehub';

/** The W3C Trace Context header (and outbox column) that carries a trace across processes. */
export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';

export { SpanKind };

/** The W3C headers of the active span (`traceparent`, `tracestate`); empty when tracing is off. */
export function currentTraceHeaders(active: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(active, carrier);
  return carrier;
}

/** The `traceparent` of the active span, or null when tracing is off or no span is active. */
export function currentTraceparent(): string | null {
  return currentTraceHeaders()[TRACEPARENT] ?? null;
}

/**
 * The context to continue a trace received from elsewhere (a Kafka header, an envelope, an outbox
 * row). When the active context already belongs to that trace (an instrumentation started a span
 * for the same message), it is kept, so spans nest under it instead of beside it.
 */
export function contextFromTraceHeaders(headers: Record<string, string | undefined>): Context {
  const active = context.active();
  if (!headers[TRACEPARENT]) return active;
  const received = propagation.extract(active, headers);
  const activeSpan = trace.getSpanContext(active);
  const receivedSpan = trace.getSpanContext(received);
  if (activeSpan && receivedSpan && activeSpan.traceId === receivedSpan.traceId) return active;
  return received;
}

/**
 * Runs `work` in a new active span (child of `parent`, the active context by default); records a
 * thrown error on the span and rethrows it.
 */
export async function inSpan<T>(
  name: string,
  options: SpanOptions & { parent?: Context },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const { parent, ...spanOptions } = options;
  return trace
    .getTracer(TRACER_NAME)
    .startActiveSpan(name, spanOptions, parent ?? context.active(), async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
        throw error;
      } finally {
        span.end();
      }
    });
}

/** `trace_id` and `span_id` of the active span for log lines (OpenTelemetry's log field names). */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

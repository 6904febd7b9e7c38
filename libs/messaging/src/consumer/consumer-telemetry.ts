import { contextFromTraceHeaders, SpanKind, TRACEPARENT, TRACESTATE } from '@coursehub/core';
import type { Context, SpanOptions } from '@opentelemetry/api';

/**
 * The W3C trace context an event arrived with: Kafka headers, or fields of the envelope on the
 * in-process transport (which carries only the message value).
 */
export function traceHeadersOf(headers: Record<string, string>, raw: unknown): Record<string, string> {
  if (headers[TRACEPARENT]) return headers;
  if (!raw || typeof raw !== 'object') return {};
  const fields = raw as Record<string, unknown>;
  const carried: Record<string, string> = {};
  for (const name of [TRACEPARENT, TRACESTATE]) {
    if (typeof fields[name] === 'string') carried[name] = fields[name];
  }
  return carried;
}

/** The consumer span of one event: a child of the span that published it. */
export function consumerSpan(fields: {
  topic: string;
  consumerGroup: string;
  eventId: string;
  system: 'kafka' | 'in-process';
  traceHeaders: Record<string, string>;
}): { name: string; options: SpanOptions & { parent: Context } } {
  return {
    name: `handle ${fields.topic}`,
    options: {
      kind: SpanKind.CONSUMER,
      parent: contextFromTraceHeaders(fields.traceHeaders),
      attributes: {
        'messaging.system': fields.system,
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'handle',
        'messaging.destination.name': fields.topic,
        'messaging.consumer.group.name': fields.consumerGroup,
        'messaging.message.id': fields.eventId,
      },
    },
  };
}

import { Agent, request as httpRequest } from 'node:http';
import type { FuzzRequest } from './request-arbitraries';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * Sends a request exactly as given: node:http, because fetch refuses a body on GET, re-encodes
 * URLs and cannot send bytes that are not UTF-8.
 */
export function send(
  baseUrl: string,
  agent: Agent,
  request: FuzzRequest,
  timeoutMs = 30_000,
): Promise<RawResponse> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: request.method,
        path: request.url,
        headers: {
          ...request.headers,
          ...(request.body ? { 'content-length': String(request.body.length) } : {}),
        },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/**
 * What is wrong with an answer, or undefined: every status must be 2xx, 3xx or 4xx, and every 4xx
 * the one error shape `{ statusCode, error, message, requestId }` (plus optional `errors`).
 */
export function problemWith(request: FuzzRequest, response: RawResponse): string | undefined {
  if (response.status < 200 || response.status >= 500) return `status ${response.status}`;
  if (response.status < 400 || request.method === 'HEAD') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    return `status ${response.status} without a JSON body`;
  }
  const error = body as Record<string, unknown>;
  if (error === null || typeof error !== 'object') return 'error body is not an object';
  if (error.statusCode !== response.status) return 'statusCode differs from the status';
  for (const key of ['error', 'message', 'requestId'] as const) {
    if (typeof error[key] !== 'string' || error[key] === '') return `error body without ${key}`;
  }
  const allowed = new Set(['statusCode', 'error', 'message', 'requestId', 'errors', 'details']);
  const extra = Object.keys(error).filter((key) => !allowed.has(key));
  if (extra.length > 0) return `error body with unexpected keys ${extra.join(', ')}`;
  if (error.errors !== undefined) {
    const fields = error.errors as unknown[];
    const wellFormed =
      Array.isArray(fields) &&
      fields.every((field) => {
        const { field: name, messages } = field as { field?: unknown; messages?: unknown };
        return (
          typeof name === 'string' &&
          Array.isArray(messages) &&
          messages.length > 0 &&
          messages.every((m) => typeof m === 'string')
        );
      });
    if (!wellFormed) return 'errors is not [{ field, messages }]';
  }
  return undefined;
}

/** A request as a line a person can replay with curl. */
export function describe(request: FuzzRequest): string {
  const body = request.body ? request.body.toString('utf8') : '';
  const shownBody = body.length > 300 ? `${body.slice(0, 300)}… (${body.length} bytes)` : body;
  const headers = Object.entries(request.headers).map(([key, value]) => `${key}: ${value.slice(0, 80)}`);
  return `[${request.kind}, as ${request.identity}] ${request.method} ${request.url.slice(0, 500)} ${headers.join('; ')} ${shownBody}`;
}

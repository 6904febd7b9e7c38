import { BadRequestException } from '@nestjs/common';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { REQUEST_ID_HEADER } from '../context';
import { errorBody, FieldErrorDto, RequestValidationException } from '../errors';

/** Deepest nesting of arrays and objects a JSON body may have; no CourseHub body needs more than 3. */
export const MAX_JSON_DEPTH = 32;

/**
 * How deep `text` (JSON) nests, stopping as soon as it exceeds `limit`: one pass over the
 * characters, without recursion. Written by hand because neither JSON.parse nor Fastify's
 * secure-json-parse can bound depth, and a body such as `[[[[…]]]]` 100,000 levels deep would
 * otherwise overflow the stack of whatever walks the parsed value (class-transformer, validators).
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c /* \ */) index++;
      else if (char === 0x22 /* " */) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b /* [ */ || char === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (char === 0x5d /* ] */ || char === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}

type DefaultJsonParser = (
  request: FastifyRequest,
  body: string,
  done: (error: Error | null, value?: unknown) => void,
) => void;

/**
 * The JSON body parser: Fastify's own (with its prototype-poisoning checks), behind two rules.
 * An empty body is no body (a client that sends `content-type: application/json` on a body-less
 * route such as `POST /orders/:id/cancel` is not wrong), and nesting beyond MAX_JSON_DEPTH is a 400.
 */
export function jsonBodyParser(fastify: FastifyInstance) {
  const parseJson = fastify.getDefaultJsonParser('error', 'error') as unknown as DefaultJsonParser;
  return (
    request: FastifyRequest,
    raw: Buffer,
    done: (error: Error | null, value?: unknown) => void,
  ): void => {
    const text = raw.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      done(new BadRequestException(`The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`));
      return;
    }
    parseJson(request, text, done);
  };
}

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored as text (PostgreSQL refuses NUL; UTF-8 cannot encode a lone surrogate). */
function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (UNPAIRED_SURROGATE.test(text)) return 'must be well-formed Unicode (it contains an unpaired surrogate)';
  return undefined;
}

/** Every string in `value` (keys included) that cannot be text, with the path of its field. */
export function findMalformedText(value: unknown, path = '', found: FieldErrorDto[] = []): FieldErrorDto[] {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) found.push({ field: path || 'body', messages: [`${path || 'body'} ${problem}`] });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => findMalformedText(item, path ? `${path}.${index}` : String(index), found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const field = path ? `${path}.${key}` : key;
      const keyProblem = textProblem(key);
      if (keyProblem) found.push({ field, messages: [`the name of ${field} ${keyProblem}`] });
      findMalformedText(item, field, found);
    }
  }
  return found;
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text.replace(/\+/g, ' '));
    return true;
  } catch {
    return false;
  }
}

/**
 * Query parameters whose percent-encoding is no UTF-8 (`q=%ED%A0%80`, `q=%FF`). Fastify's query
 * parser keeps such text as typed, where the router refuses the same bytes in the path: checked
 * here so both answer 400.
 */
export function findMalformedQueryEncoding(url: string): FieldErrorDto[] {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  if (!query.includes('%')) return [];
  return query.split('&').flatMap((pair) => {
    const [key, value = ''] = pair.split(/=(.*)/s);
    if (decodes(key) && decodes(value)) return [];
    const field = decodes(key) ? decodeURIComponent(key.replace(/\+/g, ' ')) : key;
    return [{ field, messages: [`${field} is not percent-encoded UTF-8`] }];
  });
}

/**
 * Rejects, before any guard, interceptor or handler sees them, path parameters, query values and
 * body strings that contain a NUL character or an unpaired surrogate: 400 naming the field, in the
 * one error shape. Such text reaches nothing useful (PostgreSQL rejects NUL with an error, UTF-8
 * cannot encode a lone surrogate) and used to surface as 500s wherever it hit the database.
 */
export function installTextGuard(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    const problems = [
      ...findMalformedQueryEncoding(request.url),
      ...findMalformedText(request.params ?? {}),
      ...findMalformedText(request.query ?? {}),
      ...(request.body === undefined ? [] : findMalformedText(request.body)),
    ];
    if (problems.length === 0) return;
    const exception = new RequestValidationException(problems);
    return reply.status(400).send(errorBody(400, exception.message, String(request.id), problems));
  });
}

/**
 * Errors the router raises before any hook runs (a malformed percent-encoding in the URL, an
 * over-long path parameter): the one error shape instead of Fastify's own.
 */
export function frameworkErrorReply(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 400;
  const message =
    status === 414
      ? 'A path parameter is too long'
      : status < 500
        ? 'Malformed request URL'
        : 'Internal server error';
  void reply
    .header(REQUEST_ID_HEADER, request.id)
    .status(status)
    .send(errorBody(status, message, String(request.id)));
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers over 16 KiB, malformed
 * HTTP): the one error shape, with a fresh request id, in place of Fastify's own body.
 */
export function clientErrorReply(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const requestId = randomUUID();
  const message =
    status === 431
      ? 'Request headers (URL included) exceed 16 KiB'
      : status === 408
        ? 'Request timed out'
        : 'Malformed HTTP request';
  const body = JSON.stringify(errorBody(status, message, requestId));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n${REQUEST_ID_HEADER}: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

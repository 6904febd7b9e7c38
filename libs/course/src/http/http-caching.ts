import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * HTTP caching of the public catalogue: strong ETags, `304 Not Modified` on a matching
 * `If-None-Match`, and `Cache-Control: public` for what anyone may see (anonymous reads of
 * published courses), `private, no-store` for the rest (a caller's own drafts, admin views).
 * Written here rather than with @fastify/etag, which hashes every body: a course's ETag comes from
 * its row version (raised by a trigger on every update), so an update changes it without hashing.
 */

/** How long shared caches and browsers may reuse a public catalogue response without asking. */
export const PUBLIC_MAX_AGE_SECONDS = 60;

export interface CacheValidator {
  /** A strong entity tag, quoted. */
  etag: string;
  /** Whether shared caches may store it: the same answer for everyone. */
  shared: boolean;
}

/** Whether `If-None-Match` lists `etag` (weak comparison, as RFC 9110 §13.1.2 asks for it). */
export function ifNoneMatchHits(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.trim() === '*') return true;
  return value.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/** A response rendered once: its JSON text and strong ETag. */
export interface RenderedResponse {
  json: string;
  etag: string;
}

const rendered = new WeakMap<object, RenderedResponse>();

/**
 * The JSON and ETag of `source`, rendered on the first call for that object only: a page served
 * from the public page cache is the same object on every hit, so hits skip mapping, hashing and
 * serialising (entries go with the page).
 */
export function renderOnce<T extends object>(
  source: T,
  render: (source: T) => { body: unknown; etag: string },
) {
  let found = rendered.get(source);
  if (!found) {
    const { body, etag } = render(source);
    found = { json: JSON.stringify(body), etag };
    rendered.set(source, found);
  }
  return found;
}

/** Sends `body` (or JSON already rendered) with its validator, or an empty 304 when the client holds it. */
export function sendCacheable(
  request: FastifyRequest,
  reply: FastifyReply,
  body: unknown,
  validator: CacheValidator,
): void {
  void reply
    .header('etag', validator.etag)
    .header(
      'cache-control',
      validator.shared ? `public, max-age=${PUBLIC_MAX_AGE_SECONDS}` : 'private, no-store',
    );
  if (ifNoneMatchHits(request.headers['if-none-match'], validator.etag)) {
    void reply.code(304).send();
    return;
  }
  if (typeof body === 'string') void reply.type('application/json; charset=utf-8').send(body);
  else void reply.send(body);
}

/** A course's tag: its id and row version (the version changes with every update of the row). */
export function courseETag(course: { id: string; version: number }): string {
  return `"${course.id}.${course.version}"`;
}

/** A page's tag: a digest of what it holds (each course's id and version, total and cursor). */
export function pageETag(
  items: readonly { id: string; version: number }[],
  extra: readonly unknown[],
): string {
  const digest = createHash('sha1');
  for (const item of items) digest.update(`${item.id}.${item.version};`);
  digest.update(JSON.stringify(extra));
  return `"${digest.digest('base64url')}"`;
}

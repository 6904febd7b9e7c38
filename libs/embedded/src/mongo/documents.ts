import { deserialize, EJSON, ObjectId, serialize } from 'bson';

/** A BSON document as the official `bson` package deserialises it (promoted values). */
export type Doc = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Doc {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** Deep copy through BSON itself: every BSON type survives, nothing is shared with the original. */
export function cloneDocument<T extends Doc>(document: T): T {
  return deserialize(serialize(document)) as T;
}

export function sameDocument(a: Doc, b: Doc): boolean {
  return Buffer.from(serialize(a)).equals(Buffer.from(serialize(b)));
}

/** A string that is equal for values MongoDB treats as equal in an index (numbers of any width alike). */
export function valueKey(value: unknown): string {
  return EJSON.stringify({ v: value === undefined ? null : value }, { relaxed: true });
}

/** `_id` first, generated when missing, as mongod stores documents. */
export function withId(document: Doc): Doc {
  const { _id, ...rest } = document;
  return { _id: _id === undefined ? new ObjectId() : _id, ...rest };
}

/**
 * The values a (multikey) index sees at a dotted path: array elements are index keys of their own,
 * an empty array is one key, a missing field is `undefined`.
 */
export function valuesAtPath(value: unknown, segments: readonly string[]): unknown[] {
  if (segments.length === 0) {
    if (Array.isArray(value)) return value.length > 0 ? value : [[]];
    return [value];
  }
  const [head, ...rest] = segments;
  if (Array.isArray(value)) {
    if (/^\d+$/.test(head) && Number(head) < value.length) return valuesAtPath(value[Number(head)], rest);
    const found = value.flatMap((element) => (isPlainObject(element) ? valuesAtPath(element, segments) : []));
    return found.length > 0 ? found : [undefined];
  }
  if (isPlainObject(value)) return valuesAtPath(value[head], rest);
  return [undefined];
}

/** The value at a dotted path without array traversal (for `_id` and simple fields). */
export function valueAtPath(document: Doc, path: string): unknown {
  let current: unknown = document;
  for (const segment of path.split('.')) {
    if (isPlainObject(current)) current = current[segment];
    else if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else return undefined;
  }
  return current;
}

export function setAtPath(document: Doc, path: string, value: unknown): void {
  const segments = path.split('.');
  let current: Doc = document;
  for (const segment of segments.slice(0, -1)) {
    const next = current[segment];
    if (isPlainObject(next)) current = next;
    else {
      const created: Doc = {};
      current[segment] = created;
      current = created;
    }
  }
  current[segments[segments.length - 1]] = value;
}

/** Values rendered the way mongod renders them in messages: `{ email: "a@b.c" }`, `ObjectId('…')`. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value instanceof ObjectId) return `ObjectId('${value.toHexString()}')`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (Array.isArray(value)) return value.length ? `[ ${value.map(formatValue).join(', ')} ]` : '[]';
  if (isPlainObject(value)) {
    const entries = Object.entries(value).map(([key, inner]) => `${key}: ${formatValue(inner)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  return EJSON.stringify({ v: value }).slice(5, -1);
}

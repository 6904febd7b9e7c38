import fc from 'fast-check';
import {
  brokenJsonBody,
  editedCursor,
  HOSTILE_EMAILS,
  hostileJsonValue,
  hostileString,
} from './hostile-values';
import { Operation, Parameter, SchemaObject } from './openapi-operations';

/** One HTTP request as sent on the wire. */
export interface FuzzRequest {
  /** How it was made, for the report of a failure. */
  kind: string;
  identity: string;
  method: string;
  /** Path and query string, already percent-encoded (possibly badly, on purpose). */
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** What the fuzzer knows of the world: ids that exist, and who it can be. */
export interface FuzzWorld {
  ids: string[];
  emails: string[];
  /** Identity name -> `authorization` header value (absent: anonymous). */
  identities: Record<string, string | undefined>;
}

/** Values the schema accepts (mostly: trimming and cross-field rules may still refuse some). */
export function validValue(schema: SchemaObject, world: FuzzWorld): fc.Arbitrary<unknown> {
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? -1_000_000;
      const max = schema.maximum ?? 1_000_000;
      return schema.type === 'integer' || Number.isInteger(min)
        ? fc.integer({ min, max })
        : fc.double({ min, max, noNaN: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const items = validValue(schema.items ?? { type: 'string' }, world);
      const constraints = { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) };
      return schema.uniqueItems
        ? fc.uniqueArray(items, { ...constraints, selector: (item) => JSON.stringify(item) })
        : fc.array(items, constraints);
    }
    case 'object':
      return validObject(schema, world);
    default:
      return validString(schema, world);
  }
}

function validString(schema: SchemaObject, world: FuzzWorld): fc.Arbitrary<string> {
  const example = typeof schema.example === 'string' ? [fc.constant(schema.example)] : [];
  if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(...world.ids), fc.uuid());
  if (schema.format === 'email') {
    return fc.oneof(
      ...example,
      fc.constantFrom(...world.emails),
      fc.emailAddress().filter((email) => email.length <= 254),
    );
  }
  if (schema.format === 'date-time') {
    return fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((date) => date.toISOString());
  }
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 40, 40));
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern);
    return fc.oneof(
      ...example,
      fc
        .stringMatching(pattern)
        .filter((text) => text.length >= minLength && text.length <= (schema.maxLength ?? Infinity)),
    );
  }
  return fc.oneof(
    ...example,
    fc.string({ minLength, maxLength }),
    fc.string({ unit: 'grapheme', minLength, maxLength }),
  );
}

function validObject(schema: SchemaObject, world: FuzzWorld): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  return fc.record(
    Object.fromEntries(
      Object.entries(properties).map(([key, property]) => [key, validValue(property, world)]),
    ),
    { requiredKeys: Object.keys(properties).filter((key) => required.has(key)) },
  );
}

/** A value of any kind for a field of this schema, biased towards what breaks such fields. */
function hostileValueFor(schema: SchemaObject | undefined): fc.Arbitrary<unknown> {
  const special: fc.Arbitrary<unknown>[] = [];
  if (schema?.format === 'email') special.push(fc.constantFrom(...HOSTILE_EMAILS));
  return fc.oneof(...special, hostileJsonValue);
}

/** A query value for a parameter: text, since everything in a URL is text. */
function hostileQueryValue(parameter: Parameter | undefined): fc.Arbitrary<string | string[]> {
  return fc.oneof(
    { weight: 4, arbitrary: parameter?.name === 'cursor' ? editedCursor : hostileString },
    { weight: 1, arbitrary: fc.array(hostileString, { minLength: 2, maxLength: 3 }) },
    { weight: 1, arbitrary: hostileJsonValue.map((value) => JSON.stringify(value) ?? 'undefined') },
    {
      weight: 1,
      arbitrary: parameter?.schema.format === 'email' ? fc.constantFrom(...HOSTILE_EMAILS) : editedCursor,
    },
  );
}

/**
 * Percent-encodes text for a URL. encodeURIComponent refuses lone surrogates, so those are
 * written as the bytes a sloppy client (WTF-8) would send: `%ED%A0%80` for U+D800.
 */
export function encodeUrlText(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    } else {
      out += encodeURIComponent(char);
    }
  }
  return out;
}

/** Some URL text is sent as is: raw percent sequences that decode to nothing valid. */
const rawPathSegment = fc.constantFrom(
  '%00',
  '%ED%A0%80',
  '%FF',
  '%',
  '%zz',
  '..',
  '%2e%2e',
  '%2F',
  '.',
  'a%00b',
  '%C0%AF',
);

function queryString(entries: [string, string | string[]][]): string {
  const parts = entries.flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value]).map((item) => `${encodeUrlText(key)}=${encodeUrlText(item)}`),
  );
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

interface Draft {
  params: Record<string, string | { raw: string }>;
  query: [string, string | string[]][];
  body?: unknown;
}

function validDraft(operation: Operation, world: FuzzWorld): fc.Arbitrary<Draft> {
  const params = fc.record(
    Object.fromEntries(
      operation.pathParams.map((parameter) => [
        parameter.name,
        fc.oneof(fc.constantFrom(...world.ids), validValue(parameter.schema, world).map(String)),
      ]),
    ),
  ) as fc.Arbitrary<Record<string, string>>;
  const query = fc.record(
    Object.fromEntries(
      operation.query.map((parameter) => [parameter.name, validValue(parameter.schema, world).map(String)]),
    ),
    {
      requiredKeys: operation.query
        .filter((parameter) => parameter.required)
        .map((parameter) => parameter.name),
    },
  ) as fc.Arbitrary<Record<string, string>>;
  const body = operation.body ? validValue(operation.body.schema, world) : fc.constant(undefined);
  return fc.record({ params, query: query.map((values) => Object.entries(values)), body });
}

/** One field of a valid draft changed: replaced by a hostile value, removed, or an unknown one added. */
function mutatedDraft(operation: Operation, world: FuzzWorld): fc.Arbitrary<Draft> {
  const bodyProperties = Object.entries(operation.body?.schema.properties ?? {});
  const targets: fc.Arbitrary<(draft: Draft) => fc.Arbitrary<Draft>>[] = [];
  if (operation.pathParams.length > 0) {
    targets.push(
      fc.constantFrom(...operation.pathParams).map(
        (parameter) => (draft: Draft) =>
          fc
            .oneof(
              hostileString,
              rawPathSegment.map((raw) => ({ raw })),
            )
            .map((value) => ({ ...draft, params: { ...draft.params, [parameter.name]: value } })),
      ),
    );
  }
  const queryNames = [
    ...operation.query.map((parameter) => parameter.name),
    'unknownField',
    'limit',
    'cursor',
  ];
  targets.push(
    fc.constantFrom(...queryNames).map(
      (name) => (draft: Draft) =>
        hostileQueryValue(operation.query.find((parameter) => parameter.name === name)).map((value) => ({
          ...draft,
          query: [
            ...draft.query.filter(([key]) => key !== name),
            [name, value] as [string, string | string[]],
          ],
        })),
    ),
  );
  if (operation.body) {
    const names = [...bodyProperties.map(([name]) => name), 'unknownField', 'isAdmin'];
    targets.push(
      fc.constantFrom(...names).map(
        (name) => (draft: Draft) =>
          fc
            .option(hostileValueFor(operation.body?.schema.properties?.[name]), { freq: 5, nil: undefined })
            .map((value) => {
              const body = {
                ...(typeof draft.body === 'object' && draft.body !== null ? draft.body : {}),
              } as Record<string, unknown>;
              if (value === undefined) delete body[name];
              else body[name] = value;
              return { ...draft, body };
            }),
      ),
    );
  }
  return fc
    .tuple(validDraft(operation, world), fc.oneof(...targets))
    .chain(([draft, mutate]) => mutate(draft));
}

function urlOf(operation: Operation, draft: Draft): string {
  const path = operation.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = draft.params[name] ?? 'x';
    return typeof value === 'string' ? encodeUrlText(value) : value.raw;
  });
  return path + queryString(draft.query);
}

const JSON_TYPE = { 'content-type': 'application/json' };

function jsonBody(value: unknown): Buffer | undefined {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : Buffer.from(text);
}

/** Requests for one operation, of every kind the brief lists. */
export function requestsFor(
  operation: Operation,
  world: FuzzWorld,
): fc.Arbitrary<Omit<FuzzRequest, 'identity' | 'headers'> & { headers: Record<string, string> }> {
  const hasBody = operation.body !== undefined || operation.method !== 'GET';
  const fromDraft = (kind: string) => (draft: Draft) => ({
    kind,
    method: operation.method,
    url: urlOf(operation, draft),
    headers: draft.body !== undefined ? { ...JSON_TYPE } : {},
    body: draft.body !== undefined ? jsonBody(draft.body) : undefined,
  });
  const kinds = [
    { weight: 3, arbitrary: validDraft(operation, world).map(fromDraft('valid')) },
    { weight: 8, arbitrary: mutatedDraft(operation, world).map(fromDraft('one field mutated')) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          validDraft(operation, world),
          fc.array(fc.tuple(hostileString, hostileQueryValue(undefined)), { minLength: 1, maxLength: 4 }),
        )
        .map(([draft, extra]) =>
          fromDraft('random query string')({ ...draft, query: [...draft.query, ...extra] }),
        ),
    },
  ];
  if (hasBody) {
    kinds.push(
      {
        weight: 2,
        arbitrary: fc
          .tuple(validDraft(operation, world), hostileJsonValue)
          .map(([draft, body]) => fromDraft('random body')({ ...draft, body })),
      },
      {
        weight: 2,
        arbitrary: fc.tuple(validDraft(operation, world), brokenJsonBody).map(([draft, body]) => ({
          ...fromDraft('broken or huge JSON')({ ...draft, body: undefined }),
          headers: { ...JSON_TYPE },
          body,
        })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            validDraft(operation, world),
            fc.constantFrom(
              'text/plain',
              'application/x-www-form-urlencoded',
              'multipart/form-data; boundary=x',
              'application/json; charset=latin1',
              'application/xml',
              '',
            ),
            fc.oneof(
              brokenJsonBody,
              fc.string().map((text) => Buffer.from(text)),
            ),
          )
          .map(([draft, contentType, body]) => ({
            ...fromDraft('other content type')({ ...draft, body: undefined }),
            headers: contentType ? { 'content-type': contentType } : {},
            body,
          })),
      },
      {
        weight: 1,
        arbitrary: validDraft(operation, world).map((draft) => ({
          ...fromDraft('empty JSON body')({ ...draft, body: undefined }),
          headers: { ...JSON_TYPE },
          body: Buffer.alloc(0),
        })),
      },
    );
  }
  const withHeaders =
    operation.headers.length > 0
      ? fc
          .tuple(
            fc.oneof(...kinds),
            fc.option(
              fc.oneof(
                fc.uuid(),
                hostileString.filter((text) => /^[\x21-\x7e]{1,200}$/.test(text)),
              ),
              { nil: undefined },
            ),
          )
          .map(([request, key]) =>
            key === undefined
              ? request
              : { ...request, headers: { ...request.headers, 'idempotency-key': key } },
          )
      : fc.oneof(...kinds);
  return withHeaders;
}

/** Paths no document lists: what an independent fuzzer tries too. */
export const undocumentedRequest: fc.Arbitrary<Omit<FuzzRequest, 'identity'>> = fc
  .tuple(
    fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
    fc.oneof(
      fc.constantFrom(
        '/',
        '/docs',
        '/docs-json',
        '/metrics',
        '/health',
        '/courses/',
        '//courses',
        '/courses/x/y/z',
        '/auth/.well-known/../me',
        '/dev/mailbox',
      ),
      fc
        .array(fc.oneof(hostileString.map(encodeUrlText), rawPathSegment), { minLength: 1, maxLength: 4 })
        .map((segments) => `/${segments.join('/')}`),
    ),
  )
  .map(([method, url]) => ({ kind: 'undocumented path', method, url, headers: {} }));

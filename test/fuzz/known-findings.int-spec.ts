import { getMetadataStorage } from 'class-validator';
import { apiCall, ApiCallResult } from '@coursehub/testing';
import { Agent } from 'node:http';
import { FUZZ_ADMIN, FuzzPlatform, startFuzzPlatform } from './support/fuzz-platform';
import { problemWith, send } from './support/raw-http';
import { FuzzRequest } from './support/request-arbitraries';

const PASSWORD = 'known-findings-password';
const ANY_UUID = '6f1c3a52-3e0b-4c57-9d1e-6a4f0e2b9c11';

function cursor(...parts: unknown[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** A 400 in the one error shape whose field errors name `field`. */
function expectFieldError(response: ApiCallResult, field: string, message?: RegExp): void {
  expect(response.status).toBe(400);
  expect(response.body).toMatchObject({
    statusCode: 400,
    error: 'Bad Request',
    requestId: expect.any(String),
  });
  const entry = (response.body.errors as { field: string; messages: string[] }[]).find(
    (error) => error.field === field,
  );
  expect(entry).toBeDefined();
  if (message) expect(entry!.messages.join(' ')).toMatch(message);
}

/** Schema keywords each class-validator constraint must show up as in the OpenAPI document. */
const DOCUMENTED_AS: Record<string, (constraints: unknown[]) => Record<string, unknown>> = {
  maxLength: ([max]) => ({ maxLength: max }),
  minLength: ([min]) => ({ minLength: min }),
  isLength: ([min, max]) => ({
    ...((min as number) > 0 ? { minLength: min } : {}),
    ...(max !== undefined ? { maxLength: max } : {}),
  }),
  min: ([min]) => ({ minimum: min }),
  max: ([max]) => ({ maximum: max }),
  matches: ([pattern]) => ({ pattern: (pattern as RegExp).source }),
  isInt: () => ({ type: 'integer' }),
  isUuid: () => ({ format: 'uuid' }),
  isIn: ([values]) => ({ enum: values }),
  isEmailAddress: () => ({ format: 'email', pattern: expect.any(String), maxLength: 254 }),
  isDate: () => ({ format: 'date-time' }),
  arrayMaxSize: ([max]) => ({ maxItems: max }),
  arrayMinSize: ([min]) => ({ minItems: min }),
  arrayUnique: () => ({ uniqueItems: true }),
};

interface ConstraintMetadata {
  type: string;
  name?: string;
  propertyName: string;
  constraints?: unknown[];
  each?: boolean;
  target: { name: string; prototype: object };
}

/** Each input that once answered 500 (issue 13), now answered as the README says. */
describe('hostile input that used to cause 500s', () => {
  let platform: FuzzPlatform;
  let url: string;
  let admin: string;
  let courseId: string;
  const agent = new Agent({ keepAlive: true });

  const raw = (request: Partial<FuzzRequest> & { url: string }) =>
    send(url, agent, {
      kind: 'known finding',
      identity: 'anonymous',
      method: 'GET',
      headers: {},
      ...request,
    });

  beforeAll(async () => {
    platform = await startFuzzPlatform('findings');
    url = platform.url;
    admin = (await apiCall(url, 'POST', '/auth/login', { body: FUZZ_ADMIN })).body.accessToken;
    const course = await apiCall(url, 'POST', '/courses', {
      token: admin,
      body: {
        title: 'Cooking for beginners',
        category: 'food',
        level: 'beginner',
        language: 'en',
        price: 0,
        currency: 'EUR',
      },
    });
    expect(course.status).toBe(201);
    courseId = course.body.id;
    expect((await apiCall(url, 'POST', `/courses/${courseId}/publish`, { token: admin })).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    agent.destroy();
    await platform?.stop();
  });

  describe('e-mail addresses: one rule for DTOs and the user.registered contract', () => {
    it('accepts an internationalised domain end to end, stored and compared in punycode', async () => {
      const registered = await apiCall(url, 'POST', '/auth/register', {
        body: { email: 'User@Bücher.de', password: PASSWORD },
      });
      expect(registered.status).toBe(201);
      expect(registered.body.email).toBe('user@xn--bcher-kva.de');

      const login = await apiCall(url, 'POST', '/auth/login', {
        body: { email: 'user@bücher.de', password: PASSWORD },
      });
      expect(login.status).toBe(200);
      const again = await apiCall(url, 'POST', '/auth/register', {
        body: { email: 'user@xn--bcher-kva.de', password: PASSWORD },
      });
      expect(again.status).toBe(409);
    });

    it('accepts every RFC 5322 atext character before the @', async () => {
      const registered = await apiCall(url, 'POST', '/auth/register', {
        body: { email: 'o!brien@example.com', password: PASSWORD },
      });
      expect(registered.status).toBe(201);
      expect(registered.body.email).toBe('o!brien@example.com');
    });

    it.each([
      'josé@example.com',
      '用户@例子.广告',
      'a..b@example.com',
      'user@localhost',
      `${'a'.repeat(65)}@example.com`,
    ])('refuses %s with a 400 naming email, not a 500', async (email) => {
      const response = await apiCall(url, 'POST', '/auth/register', { body: { email, password: PASSWORD } });
      expectFieldError(response, 'email', /e-mail address/);
    });

    it('uses the same rule for the e-mail list filter (normalised, so an IDN recipient matches)', async () => {
      const valid = await apiCall(url, 'GET', `/emails?recipient=${encodeURIComponent('user@bücher.de')}`, {
        token: admin,
      });
      expect(valid.status).toBe(200);
      expectFieldError(
        await apiCall(url, 'GET', `/emails?recipient=${encodeURIComponent('josé@example.com')}`, {
          token: admin,
        }),
        'recipient',
      );
    });
  });

  describe('messages say what is wrong', () => {
    it('reports a missing e-mail as required, and only that', async () => {
      const response = await apiCall(url, 'POST', '/auth/register', { body: { password: PASSWORD } });
      expect(response.body.errors).toEqual([{ field: 'email', messages: ['email is required'] }]);
    });

    it('reports a short password with its 10-character minimum, which the OpenAPI document states too', async () => {
      const response = await apiCall(url, 'POST', '/auth/register', {
        body: { email: 'short@example.com', password: 'short' },
      });
      expectFieldError(response, 'password', /10/);
      const document = (await apiCall(url, 'GET', '/docs-json')).body;
      expect(document.components.schemas.RegisterDto.properties.password).toMatchObject({
        minLength: 10,
        maxLength: 256,
      });
      expect(document.components.schemas.RegisterDto.required).toEqual(
        expect.arrayContaining(['email', 'password']),
      );
    });

    it('reports a number of the wrong kind as such before its range', async () => {
      const response = await apiCall(url, 'GET', '/courses?limit=NaN');
      expect(response.body.errors).toEqual([
        { field: 'limit', messages: ['limit must be an integer number'] },
      ]);
    });
  });

  describe('NUL bytes and unpaired surrogates', () => {
    it.each([
      ['/courses/%00/similar', 'id'],
      ['/courses/%00', 'id'],
      ['/courses?q=a%00b', 'q'],
      ['/courses?category=%00', 'category'],
    ])('GET %s is a 400 naming %s', async (path, field) => {
      expectFieldError(await apiCall(url, 'GET', path), field, /NUL/);
    });

    it('refuses NUL in a display name and in a course title', async () => {
      const registration = await apiCall(url, 'POST', '/auth/register', {
        body: { email: 'nul@example.com', password: PASSWORD, displayName: 'Ada\u0000' },
      });
      expectFieldError(registration, 'displayName', /NUL/);
      const update = await apiCall(url, 'PATCH', `/courses/${courseId}`, {
        token: admin,
        body: { title: 'Ti\u0000tle' },
      });
      expectFieldError(update, 'title', /NUL/);
      const tags = await apiCall(url, 'PATCH', `/courses/${courseId}`, {
        token: admin,
        body: { tags: ['ok', 'n\u0000'] },
      });
      expectFieldError(tags, 'tags.1', /NUL/);
    });

    it('refuses an unpaired surrogate in a body as a 400 (it cannot be stored as UTF-8)', async () => {
      const response = await raw({
        method: 'POST',
        url: '/auth/register',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(`{"email":"s@example.com","password":"${PASSWORD}","displayName":"x\\ud800y"}`),
      });
      expect(response.status).toBe(400);
      expect(JSON.parse(response.text).errors).toEqual([
        { field: 'displayName', messages: [expect.stringMatching(/unpaired surrogate/)] },
      ]);
    });

    it('answers a URL that decodes to no valid UTF-8 with a 400 in the one error shape', async () => {
      for (const path of ['/courses/%ED%A0%80', '/courses/%FF', '/courses/%']) {
        const request = {
          kind: 'known finding',
          identity: 'anonymous',
          method: 'GET',
          url: path,
          headers: {},
        };
        const response = await raw(request);
        expect(response.status).toBe(400);
        expect(problemWith(request, response)).toBeUndefined();
      }
    });

    it('answers the same bytes in a query value with a 400 naming the parameter', async () => {
      for (const value of ['%ED%A0%80', '%FF', '%']) {
        const response = await raw({ url: `/courses?limit=5&q=${value}` });
        expect(response.status).toBe(400);
        expect(JSON.parse(response.text).errors).toEqual([
          { field: 'q', messages: ['q is not percent-encoded UTF-8'] },
        ]);
      }
    });
  });

  describe('numbers and cursors out of range', () => {
    it.each(['minPrice=1e20', 'maxPrice=1e20', 'minPrice=-1', 'limit=1e20'])(
      'GET /courses?%s is a 400',
      async (query) => {
        expectFieldError(await apiCall(url, 'GET', `/courses?${query}`), query.split('=')[0]);
      },
    );

    it.each([
      ['newest', 'not-a-date'],
      ['newest', '2026-02-31 00:00:00+00'],
      ['newest', '99999-01-01'],
      ['popular', '1e300'],
      ['popular', '2147483648'],
      ['price_asc', '1.5'],
      ['price_desc', '0x10'],
      ['relevance', '1e-400'],
      ['relevance', 'Infinity'],
    ])('an edited %s cursor with key %s is a 400', async (sort, key) => {
      const q = sort === 'relevance' ? '&q=cooking' : '';
      const response = await apiCall(
        url,
        'GET',
        `/courses?sort=${sort}${q}&cursor=${cursor(sort, key, ANY_UUID)}`,
      );
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/cursor/i);
    });
  });

  describe('JSON bodies', () => {
    it('refuses nesting beyond 32 levels with a 400, however deep', async () => {
      for (const depth of [33, 100_000]) {
        const response = await raw({
          method: 'POST',
          url: '/auth/login',
          headers: { 'content-type': 'application/json' },
          body: Buffer.from('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
        });
        expect(response.status).toBe(400);
        expect(JSON.parse(response.text)).toMatchObject({
          statusCode: 400,
          message: expect.stringMatching(/nests deeper than 32/),
        });
      }
    });

    it('accepts an empty JSON body on routes that take none', async () => {
      // A JSON content type with no bytes at all, as some clients send on bodiless POSTs.
      const postEmptyJson = (path: string) =>
        raw({
          method: 'POST',
          url: path,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
          body: Buffer.alloc(0),
        });
      const draft = await apiCall(url, 'POST', '/courses', {
        token: admin,
        body: {
          title: 'Empty bodies',
          category: 'http',
          level: 'beginner',
          language: 'en',
          price: 0,
          currency: 'EUR',
        },
      });
      const published = await postEmptyJson(`/courses/${draft.body.id}/publish`);
      expect(published.status).toBe(200);
      const order = await apiCall(url, 'POST', '/orders', { token: admin, body: { courseId } });
      expect(order.status).toBe(201);
      const cancelled = await postEmptyJson(`/orders/${order.body.id}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(JSON.parse(cancelled.text).status).toBe('cancelled');
    });

    it('answers headers over 16 KiB in the one error shape', async () => {
      const request = {
        kind: 'known finding',
        identity: 'anonymous',
        method: 'GET',
        url: `/courses?q=${'x'.repeat(20_000)}`,
        headers: {},
      };
      const response = await raw(request);
      expect(response.status).toBe(431);
      expect(problemWith(request, response)).toBeUndefined();
    });
  });

  it('does not expand a one-letter search word into a prefix', async () => {
    const prefix = await apiCall(url, 'GET', '/courses?q=co');
    expect(prefix.body.items.map((course: { id: string }) => course.id)).toContain(courseId);
    const letter = await apiCall(url, 'GET', '/courses?q=c');
    expect(letter.status).toBe(200);
    expect(letter.body.items.map((course: { id: string }) => course.id)).not.toContain(courseId);
  });

  describe('the OpenAPI document', () => {
    let document: {
      components: { schemas: Record<string, any> };
      paths: Record<string, Record<string, any>>;
    };

    beforeAll(async () => {
      document = (await apiCall(url, 'GET', '/docs-json')).body;
    });

    /** Every DTO class the app validates with, with its constraints (inherited ones included). */
    function validatedDtos(): Map<string, ConstraintMetadata[]> {
      const storage = getMetadataStorage() as unknown as {
        validationMetadatas: Map<{ name: string }, ConstraintMetadata[]>;
      };
      const byClass = new Map<string, ConstraintMetadata[]>();
      const targets = [...storage.validationMetadatas.keys()] as unknown as {
        name: string;
        prototype: object;
      }[];
      for (const target of targets) {
        if (!target.name.endsWith('Dto')) continue;
        // A base class (PageQueryDto, the PartialType of a DTO) is checked through the DTOs extending it.
        if (
          targets.some(
            (other) =>
              other !== target && Object.prototype.isPrototypeOf.call(target.prototype, other.prototype),
          )
        )
          continue;
        const all = getMetadataStorage().getTargetValidationMetadatas(
          target as never,
          '',
          true,
          false,
        ) as unknown as ConstraintMetadata[];
        byClass.set(target.name, all);
      }
      return byClass;
    }

    type DocumentedSchema = { properties: Record<string, any>; required: string[] };

    /**
     * Where a DTO may be documented: its component for bodies; for query and path DTOs, every
     * operation whose query (or path) parameters are exactly its properties — several routes can
     * share parameter names (`?token=` on the unsubscribe and the account-link pages), so the
     * caller checks each candidate and keeps the one that documents the DTO best.
     */
    function schemasOf(name: string, properties: string[]): DocumentedSchema[] {
      // By name, or (a mapped type such as PartialType(CreateCourseDto)) by the DTO extending it.
      const component =
        document.components.schemas[name] ??
        Object.values(document.components.schemas).find(
          (candidate) =>
            Object.keys(candidate.properties ?? {}).length === properties.length &&
            properties.every((property) => property in (candidate.properties ?? {})) &&
            (candidate.required ?? []).length === 0,
        );
      if (component) return [{ properties: component.properties ?? {}, required: component.required ?? [] }];
      const candidates: DocumentedSchema[] = [];
      for (const methods of Object.values(document.paths)) {
        for (const operation of Object.values(methods)) {
          for (const location of ['query', 'path']) {
            const parameters = (operation.parameters ?? []).filter(
              (parameter: { in: string }) => parameter.in === location,
            );
            const names = new Set(parameters.map((parameter: { name: string }) => parameter.name));
            if (
              parameters.length !== properties.length ||
              !properties.every((property) => names.has(property))
            )
              continue;
            candidates.push({
              properties: Object.fromEntries(
                parameters.map((parameter: { name: string; schema: object }) => [
                  parameter.name,
                  parameter.schema,
                ]),
              ),
              required: parameters
                .filter((parameter: { required?: boolean }) => parameter.required)
                .map((parameter: { name: string }) => parameter.name),
            });
          }
        }
      }
      return candidates;
    }

    /** What `schema` fails to state of `constraints` (the DTO's class-validator metadata). */
    function undocumented(name: string, constraints: ConstraintMetadata[], schema: DocumentedSchema) {
      const missing: string[] = [];
      let checked = 0;
      const properties = [...new Set(constraints.map((constraint) => constraint.propertyName))];
      for (const property of properties) {
        const own = constraints.filter((constraint) => constraint.propertyName === property);
        const documented = schema.properties[property] ?? {};
        const optional = own.some((constraint) => constraint.type === 'conditionalValidation');
        if (!optional && !schema.required.includes(property)) missing.push(`${name}.${property}: required`);
        for (const constraint of own) {
          const expected = DOCUMENTED_AS[constraint.name ?? constraint.type]?.(constraint.constraints ?? []);
          if (!expected) continue;
          checked++;
          const target = constraint.each ? (documented.items ?? {}) : documented;
          const mismatched = Object.entries(expected).filter(
            ([keyword, value]) => !expect.objectContaining({ [keyword]: value }).asymmetricMatch(target),
          );
          if (mismatched.length > 0)
            missing.push(
              `${name}.${property}${constraint.each ? '[]' : ''}: ${JSON.stringify(Object.fromEntries(mismatched))}`,
            );
        }
      }
      return { missing, checked };
    }

    it('states every validation constraint of every DTO (lengths, ranges, patterns, formats, required)', () => {
      const dtos = validatedDtos();
      expect(dtos.size).toBeGreaterThanOrEqual(10);
      const missing: string[] = [];
      let checked = 0;
      for (const [name, constraints] of dtos) {
        const properties = [...new Set(constraints.map((constraint) => constraint.propertyName))];
        const candidates = schemasOf(name, properties).map((schema) =>
          undocumented(name, constraints, schema),
        );
        if (candidates.length === 0) {
          missing.push(`${name}: in no schema or operation of the document`);
          continue;
        }
        const best = candidates.reduce((a, b) => (b.missing.length < a.missing.length ? b : a));
        missing.push(...best.missing);
        checked += best.checked;
      }
      expect(missing).toEqual([]);
      expect(checked).toBeGreaterThan(40);
    });
  });
});

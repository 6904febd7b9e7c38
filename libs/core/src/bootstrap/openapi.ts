import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { errorBody } from '../errors';

/** One line per tag, shown above its routes in /docs; a service's own tags can add or override. */
export const DEFAULT_TAG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  landing: 'What this process runs and where to start (the page at /).',
  auth: 'Register, log in, refresh and revoke tokens; the JWKS other services verify tokens with.',
  users: 'Accounts and roles (admins grant instructor and admin).',
  courses: 'The catalogue: search, course pages, instructors publishing, recommendations.',
  curriculum: "A course's sections and lessons (instructors edit, enrolled students open lessons).",
  progress: 'Lesson completions and progress through the courses a student is enrolled in.',
  reviews: 'Ratings and reviews of courses by enrolled students.',
  certificates: 'Certificates of completed courses, verifiable by anyone.',
  orders: 'Enrolling in courses: orders (safe to retry with an Idempotency-Key) and cancellations.',
  emails: 'The e-mail log and retries (admins).',
  privacy: 'Your personal data, exported.',
  health: 'Liveness, readiness and dependency probes.',
  dev: 'Development helpers of the embedded platform (never in production).',
};

/** What the Authorize dialog says: where an access token comes from. */
export const BEARER_AUTH_DESCRIPTION =
  'Paste an access token (without "Bearer "). Get one with `POST /auth/login` ' +
  '`{"email": "…", "password": "…"}`: its `accessToken` lasts 15 minutes. ' +
  'On the platform (`npm start`) the first admin is printed in the start-up banner and shown at `/`; ' +
  'a generated admin password is kept in `<DATA_DIR>/admin-password` (`./data/admin-password` by default). ' +
  'Routes without a lock icon need no token.';

const EXAMPLE_REQUEST_ID = '5f0c6c1e-0c4e-4d6b-9b7e-6f1f3e4b2a10';

type Operation = {
  security?: unknown[];
  responses?: Record<
    string,
    { description?: string; content?: Record<string, { schema?: unknown; example?: unknown }> }
  >;
};

function refersToErrorShape(schema: unknown): boolean {
  const ref = (schema as { $ref?: string } | undefined)?.$ref;
  return typeof ref === 'string' && ref.endsWith('/ErrorResponseDto');
}

/**
 * Makes every documented error response show its own status: an example built by `errorBody`, the
 * function that renders real errors, with the response's description as message (and a field list
 * on 400), instead of the schema's one 400 example under every status.
 */
export function addErrorExamples(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as Operation[]) {
      for (const [code, response] of Object.entries(operation?.responses ?? {})) {
        const status = Number(code);
        const json = response.content?.['application/json'];
        if (!Number.isInteger(status) || status < 400 || !json || !refersToErrorShape(json.schema)) continue;
        if (json.example !== undefined) continue;
        const message = (response.description ?? '').replace(/\.$/, '') || 'Error';
        json.example = errorBody(
          status,
          status === 400 ? 'Validation failed' : message,
          EXAMPLE_REQUEST_ID,
          status === 400 ? [{ field: 'email', messages: ['email must be an email'] }] : undefined,
        );
      }
    }
  }
}

/**
 * Public routes carry no security requirement (no lock icon): only routes whose guards take a token
 * (`@Authenticated`, `@OptionalAuth`, which add the bearer requirement themselves) keep one. An empty
 * requirement list is dropped too, so Swagger UI does not show an open lock.
 */
export function dropEmptySecurity(document: OpenAPIObject): void {
  delete (document as { security?: unknown }).security;
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as Operation[]) {
      if (operation && Array.isArray(operation.security) && operation.security.length === 0)
        delete operation.security;
    }
  }
}

/** Tags used by the document, each with its one-line description when one is known. */
export function describeTags(document: OpenAPIObject, descriptions: Record<string, string>): void {
  const used = new Set<string>();
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as { tags?: string[] }[]) {
      for (const tag of operation?.tags ?? []) used.add(tag);
    }
  }
  document.tags = [...used].sort().map((name) => ({
    name,
    ...(descriptions[name] ? { description: descriptions[name] } : {}),
  }));
}

export interface OpenApiOptions {
  title: string;
  description?: string;
  /** Descriptions of this app's tags, beside DEFAULT_TAG_DESCRIPTIONS. */
  tags?: Record<string, string>;
}

/** Builds the app's OpenAPI document (served at /docs, JSON at /docs-json). */
export function buildOpenApiDocument(app: INestApplication, options: OpenApiOptions): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.title)
      .setDescription(
        `${options.description ?? 'CourseHub API'}\n\n` +
          'Errors always have one shape: `{ statusCode, error, message, requestId, errors? }`. ' +
          'Lists are keyset pages: `?limit=&cursor=` in, `{ items, nextCursor }` out. ' +
          'Routes with a lock need an access token (Authorize, top right).',
      )
      .setVersion('1.0')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: BEARER_AUTH_DESCRIPTION,
      })
      .build(),
  );
  addErrorExamples(document);
  dropEmptySecurity(document);
  describeTags(document, { ...DEFAULT_TAG_DESCRIPTIONS, ...options.tags });
  return document;
}

/*
 * A learner's life on CourseHub through the public API only, as the privacy tests replay it:
 * registering, reading the e-mails the SMTP sink received, signing in, ordering, learning and
 * reviewing. Every step checks its status, so a failing step names itself.
 */
import type { CapturedMessage } from '@coursehub/embedded';
import { apiCall, type ApiCallOptions, type ApiCallResult, eventually } from '@coursehub/testing';
import { randomBytes } from 'node:crypto';
import type { Account, ApiDeployment, Service } from './privacy-deployment';

export interface Learner extends Account {
  id: string;
  displayName: string;
  accessToken: string;
  refreshToken: string;
}

export function call(
  deployment: ApiDeployment,
  service: Service,
  method: string,
  path: string,
  options: ApiCallOptions = {},
): Promise<ApiCallResult> {
  return apiCall(deployment.urls[service], method, path, options);
}

export function expectStatus(response: ApiCallResult, status: number, what: string): ApiCallResult {
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response;
}

/** A unique address of this run, e.g. `erasure-a1b2c3d4@privacy.test`. */
export function uniqueEmail(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}@privacy.test`;
}

/** The e-mails the sink received for `address` (any recipient field), oldest first. */
export function mailTo(deployment: ApiDeployment, address: string): CapturedMessage[] {
  const wanted = address.toLowerCase();
  return deployment.smtp.messages.filter((message) =>
    [...message.envelope.to, ...message.to].some((to) => to.toLowerCase().includes(wanted)),
  );
}

/** Waits until `address` has received an e-mail matching `accept` (its subject or text); returns the newest. */
export async function waitForMail(
  deployment: ApiDeployment,
  address: string,
  accept: (message: CapturedMessage) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<CapturedMessage> {
  const found = await eventually(
    () => mailTo(deployment, address).filter(accept),
    (messages) => messages.length > 0,
    timeoutMs,
  );
  if (found.length === 0) {
    const subjects = mailTo(deployment, address).map((message) => message.subject);
    throw new Error(`No ${what} e-mail to ${address} (received: ${JSON.stringify(subjects)})`);
  }
  return found[found.length - 1];
}

/** `waitForMail` predicates on the subject line. */
export const subjectIs = (subject: string) => (message: CapturedMessage) => message.subject === subject;
export const subjectStartsWith = (prefix: string) => (message: CapturedMessage) =>
  message.subject?.startsWith(prefix) ?? false;

/** The one-time token of the link `${publicUrl}/<path>?token=…` in the e-mail's text part. */
export function tokenOfLink(deployment: ApiDeployment, message: CapturedMessage, path: string): string {
  const prefix = `${deployment.publicUrl}/${path}?token=`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${prefix}([A-Za-z0-9_%.~-]+)`).exec(message.text ?? '');
  if (!match) throw new Error(`No ${path} link in the e-mail "${message.subject}": ${message.text}`);
  return decodeURIComponent(match[1]);
}

export const isVerificationMail = (message: CapturedMessage) =>
  /verify-email\?token=/.test(message.text ?? '');
export const isResetMail = (message: CapturedMessage) => /reset-password\?token=/.test(message.text ?? '');

/** Follows the link of a verification e-mail (a new account's or a changed address's). */
export async function followVerificationLink(
  deployment: ApiDeployment,
  mail: CapturedMessage,
  what: string,
): Promise<void> {
  expectStatus(
    await call(deployment, 'auth', 'POST', '/auth/verify-email', {
      body: { token: tokenOfLink(deployment, mail, 'verify-email') },
    }),
    200,
    what,
  );
}

export async function login(
  deployment: ApiDeployment,
  account: Account,
): Promise<{ accessToken: string; refreshToken: string }> {
  const response = expectStatus(
    await call(deployment, 'auth', 'POST', '/auth/login', {
      body: { email: account.email, password: account.password },
    }),
    200,
    `POST /auth/login ${account.email}`,
  );
  return {
    accessToken: response.body.accessToken as string,
    refreshToken: response.body.refreshToken as string,
  };
}

/** Registers (201), opens the verification e-mail's link (200) and signs in: a verified learner. */
export async function registerVerifiedLearner(deployment: ApiDeployment, label: string): Promise<Learner> {
  const email = uniqueEmail(label);
  const displayName = `Learner ${randomBytes(4).toString('hex')}`;
  const password = 'privacy-password-1';
  const registered = expectStatus(
    await call(deployment, 'auth', 'POST', '/auth/register', { body: { email, password, displayName } }),
    201,
    `POST /auth/register ${email}`,
  );
  const mail = await waitForMail(deployment, email, isVerificationMail, 'verification');
  await followVerificationLink(deployment, mail, 'POST /auth/verify-email');
  const tokens = await login(deployment, { email, password });
  return { id: registered.body.id as string, email, password, displayName, ...tokens };
}

export interface PublishedCourse {
  id: string;
  title: string;
  lessonIds: string[];
}

/** A published course with one section of two article lessons, created by `token` (admin). */
export async function publishCourseWithLessons(
  deployment: ApiDeployment,
  token: string,
  title: string,
  price = 1900,
): Promise<PublishedCourse> {
  const created = expectStatus(
    await call(deployment, 'course', 'POST', '/courses', {
      token,
      body: {
        title,
        summary: 'A course of the privacy tests.',
        description: 'Created by the privacy tests to order, learn and review.',
        tags: ['privacy'],
        category: 'development',
        level: 'beginner',
        language: 'en',
        price,
        currency: 'EUR',
      },
    }),
    201,
    'POST /courses',
  );
  const id = created.body.id as string;
  const section = expectStatus(
    await call(deployment, 'course', 'POST', `/courses/${id}/sections`, { token, body: { title: 'Basics' } }),
    201,
    'POST /courses/:id/sections',
  );
  const lessonIds: string[] = [];
  for (const lesson of ['First steps', 'Next steps']) {
    const added = expectStatus(
      await call(deployment, 'course', 'POST', `/courses/${id}/sections/${section.body.id}/lessons`, {
        token,
        body: { title: lesson, kind: 'article', body: `# ${lesson}\n\nRead me.` },
      }),
      201,
      'POST /courses/:id/sections/:sectionId/lessons',
    );
    lessonIds.push(added.body.id as string);
  }
  expectStatus(await call(deployment, 'course', 'POST', `/courses/${id}/publish`, { token }), 200, 'publish');
  return { id, title, lessonIds };
}

/** `POST /orders` (201), with `headers` such as an `Idempotency-Key`; resolves with the order. */
export async function order(
  deployment: ApiDeployment,
  learner: Learner,
  courseId: string,
  headers: Record<string, string> = {},
): Promise<{ id: string }> {
  const placed = await eventually(
    () =>
      call(deployment, 'order', 'POST', '/orders', {
        token: learner.accessToken,
        body: { courseId },
        headers,
      }),
    // The course service may still be joining its consumer group in the split deployment.
    (response) => response.status !== 503,
    30_000,
  );
  return expectStatus(placed, 201, 'POST /orders').body as { id: string };
}

/** Completes every lesson (waiting for the enrolment to arrive from `order.confirmed`) and reviews the course. */
export async function learnAndReview(
  deployment: ApiDeployment,
  learner: Learner,
  course: PublishedCourse,
  review: { rating: number; comment: string },
): Promise<void> {
  for (const lessonId of course.lessonIds) {
    const completed = await eventually(
      () =>
        call(deployment, 'course', 'PUT', `/courses/${course.id}/lessons/${lessonId}/completion`, {
          token: learner.accessToken,
        }),
      (response) => response.status !== 403,
      30_000,
    );
    expectStatus(completed, 200, 'PUT /courses/:id/lessons/:lessonId/completion');
  }
  const reviewed = await call(deployment, 'course', 'PUT', `/courses/${course.id}/reviews/mine`, {
    token: learner.accessToken,
    body: review,
  });
  if (![200, 201].includes(reviewed.status)) expectStatus(reviewed, 200, 'PUT /courses/:id/reviews/mine');
}

/** The services whose sections `GET /me/export` holds. */
export const EXPORT_SECTIONS: Service[] = ['auth', 'course', 'email', 'order'];

/**
 * The caller's `GET /me/export`: one request to the platform (one document), one per service in the
 * split deployment (each answering its own section only), merged.
 */
export async function exportSections(
  deployment: ApiDeployment,
  caller: { id: string; accessToken: string },
): Promise<Record<string, unknown>> {
  if (deployment.mode === 'platform') {
    const response = await call(deployment, 'auth', 'GET', '/me/export', { token: caller.accessToken });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body).toMatchObject({ userId: caller.id, exportedAt: expect.any(String) });
    return response.body as Record<string, unknown>;
  }
  const merged: Record<string, unknown> = { userId: caller.id };
  for (const service of EXPORT_SECTIONS) {
    const response = await call(deployment, service, 'GET', '/me/export', { token: caller.accessToken });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(response.body as object).sort()).toEqual(['exportedAt', service, 'userId'].sort());
    expect(response.body.userId).toBe(caller.id);
    merged[service] = response.body[service];
  }
  return merged;
}

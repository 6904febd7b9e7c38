import { apiCall } from '@coursehub/testing';
import { randomUUID } from 'node:crypto';
import { FUZZ_ADMIN, FuzzPlatform } from './fuzz-platform';
import type { FuzzWorld } from './request-arbitraries';

const PASSWORD = 'fuzz-password-123';

async function expectStatus<T>(
  call: Promise<{ status: number; body: T }>,
  status: number,
  what: string,
): Promise<T> {
  const response = await call;
  if (response.status !== status)
    throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

async function login(url: string, email: string, password: string): Promise<string> {
  const tokens = await expectStatus(
    apiCall(url, 'POST', '/auth/login', { body: { email, password } }),
    200,
    `login ${email}`,
  );
  return (tokens as { accessToken: string }).accessToken;
}

/** An unsigned token (`alg: none`) claiming to be an admin. */
function unsignedAdminToken(): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: randomUUID(), roles: ['admin'], iss: 'coursehub-auth', aud: 'coursehub' })}.`;
}

/**
 * Accounts of every role (logged in through the API, as clients do), a few courses, an order and
 * e-mails, so generated requests reach real rows; plus tokens no one should accept.
 */
export async function buildFuzzWorld(platform: FuzzPlatform): Promise<FuzzWorld> {
  const { url, tokens } = platform;
  const admin = await login(url, FUZZ_ADMIN.email, FUZZ_ADMIN.password);
  const accounts: Record<string, { id: string; email: string }> = {};
  for (const name of ['student', 'instructor']) {
    const email = `fuzz-${name}@coursehub.test`;
    const user = await expectStatus(
      apiCall(url, 'POST', '/auth/register', {
        body: { email, password: PASSWORD, displayName: `Fuzz ${name}` },
      }),
      201,
      `register ${name}`,
    );
    accounts[name] = { id: (user as { id: string }).id, email };
  }
  await expectStatus(
    apiCall(url, 'PATCH', `/users/${accounts.instructor.id}/roles`, {
      token: admin,
      body: { roles: ['instructor'] },
    }),
    200,
    'promote the instructor',
  );
  const student = await login(url, accounts.student.email, PASSWORD);
  const instructor = await login(url, accounts.instructor.email, PASSWORD);

  const ids: string[] = [accounts.student.id, accounts.instructor.id];
  for (const [index, title] of ['Fuzzing PostgreSQL', 'Unicode for the brave', 'Tiny course'].entries()) {
    const course = (await expectStatus(
      apiCall(url, 'POST', '/courses', {
        token: instructor,
        body: {
          title,
          category: 'development',
          level: 'beginner',
          language: 'en',
          price: index * 1000,
          currency: 'EUR',
          tags: ['fuzz'],
        },
      }),
      201,
      `create ${title}`,
    )) as { id: string; slug: string };
    ids.push(course.id, course.slug);
    if (index < 2)
      await expectStatus(
        apiCall(url, 'POST', `/courses/${course.id}/publish`, { token: instructor }),
        200,
        'publish',
      );
  }
  const order = (await expectStatus(
    apiCall(url, 'POST', '/orders', { token: student, body: { courseId: ids[2] } }),
    201,
    'order',
  )) as { id: string };
  ids.push(order.id);
  const emails = (await apiCall(url, 'GET', '/emails?limit=10', { token: admin })).body as {
    items?: { id: string }[];
  };
  ids.push(...(emails.items ?? []).map((email) => email.id), '000000000000000000000000');

  const forged = await tokens.sign({ id: randomUUID(), roles: ['admin'] });
  return {
    ids,
    emails: [FUZZ_ADMIN.email, accounts.student.email, accounts.instructor.email],
    identities: {
      anonymous: undefined,
      student: `Bearer ${student}`,
      instructor: `Bearer ${instructor}`,
      admin: `Bearer ${admin}`,
      'admin of a token signed with the platform key for an unknown user': `Bearer ${forged}`,
      'expired token': `Bearer ${await tokens.sign({ id: accounts.student.id, roles: ['student'] }, -60)}`,
      'token with a tampered payload': `Bearer ${student.split('.')[0]}.${unsignedAdminToken().split('.')[1]}.${student.split('.')[2]}`,
      'unsigned (alg none) admin token': `Bearer ${unsignedAdminToken()}`,
      'garbage token': 'Bearer not.a.jwt',
      'empty bearer': 'Bearer ',
      'basic credentials': `Basic ${Buffer.from(`${FUZZ_ADMIN.email}:${FUZZ_ADMIN.password}`).toString('base64')}`,
      'huge token': `Bearer ${'a'.repeat(7_000)}.${'b'.repeat(100)}.c`,
    },
  };
}

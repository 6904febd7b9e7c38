/*
 * The account flows of issue 16 end to end, as a person lives them: every one-time token is read
 * from the e-mail the SMTP sink received (never from a store), and every session check is a real
 * `POST /auth/refresh`. Verification and password reset are single use and expire (links live 8 s
 * here, so expiry is observed, not simulated); asking for a reset answers the same for unknown
 * addresses; a reset, a password change and logout-all end the sessions they should, each with
 * its security notice. `ORDERS_REQUIRE_VERIFIED_EMAIL` is on in these deployments: ordering waits
 * for the verified address. Both shapes: the platform and the split deployment over Kafka.
 */
import { type ApiCallResult, eventually } from '@coursehub/testing';
import { randomBytes } from 'node:crypto';
import {
  ADMIN,
  type ApiDeployment,
  type DeploymentMode,
  startApiDeployment,
} from './support/privacy-deployment';
import {
  call,
  expectStatus,
  isResetMail,
  isVerificationMail,
  login,
  mailTo,
  publishCourseWithLessons,
  tokenOfLink,
  uniqueEmail,
  waitForMail,
} from './support/journey';

const LINK_TTL_MS = 8_000;
const PASSWORD = 'privacy-password-1';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The answer without what differs per request by design (its id), for comparing two answers. */
const comparable = (response: ApiCallResult) => ({
  status: response.status,
  body: { ...(response.body as object), requestId: undefined },
  contentType: response.headers.get('content-type'),
});

describe.each<DeploymentMode>(['platform', 'split'])('account flows through the mailbox (%s)', (mode) => {
  let deployment: ApiDeployment;
  let courseId: string;

  beforeAll(async () => {
    deployment = await startApiDeployment(mode, `privacy_accounts_${mode}`, ADMIN, {
      EMAIL_VERIFICATION_TTL_MS: String(LINK_TTL_MS),
      RESET_LINK_TTL_MS: String(LINK_TTL_MS),
      ORDERS_REQUIRE_VERIFIED_EMAIL: 'true',
    });
    const adminToken = (await login(deployment, ADMIN)).accessToken;
    courseId = (await publishCourseWithLessons(deployment, adminToken, `Account Flows ${mode}`)).id;
  }, 300_000);

  afterAll(() => deployment?.stop(), 120_000);

  async function register(label: string) {
    const email = uniqueEmail(label);
    const displayName = `Person ${randomBytes(3).toString('hex')}`;
    const registered = expectStatus(
      await call(deployment, 'auth', 'POST', '/auth/register', {
        body: { email, password: PASSWORD, displayName },
      }),
      201,
      'POST /auth/register',
    );
    return { id: registered.body.id as string, email, password: PASSWORD, displayName };
  }

  const refresh = (refreshToken: string) =>
    call(deployment, 'auth', 'POST', '/auth/refresh', { body: { refreshToken } });
  const orderAs = (accessToken: string) =>
    call(deployment, 'order', 'POST', '/orders', { token: accessToken, body: { courseId } });
  const noticeTo = (email: string, subject: string) =>
    waitForMail(deployment, email, (m) => m.subject === subject, `"${subject}"`);

  it('verifies the address with the e-mailed link once; ordering waits for it', async () => {
    const person = await register('verify');
    const mail = await waitForMail(deployment, person.email, isVerificationMail, 'verification');
    expect(mail.subject).toBe('Verify your e-mail address');
    const token = tokenOfLink(deployment, mail, 'verify-email');

    const unverified = await login(deployment, person);
    const me = await call(deployment, 'auth', 'GET', '/auth/me', { token: unverified.accessToken });
    expect(me.body).toMatchObject({ email: person.email, emailVerified: false });
    const refused = await eventually(
      () => orderAs(unverified.accessToken),
      (response) => response.status !== 503,
    );
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ statusCode: 403, message: 'Verify your e-mail address first' });

    const verified = await call(deployment, 'auth', 'POST', '/auth/verify-email', { body: { token } });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ id: person.id, email: person.email, emailVerified: true });

    // Single use: the same link again, and a made-up one, get the same 400.
    const reused = await call(deployment, 'auth', 'POST', '/auth/verify-email', { body: { token } });
    const madeUp = await call(deployment, 'auth', 'POST', '/auth/verify-email', {
      body: { token: randomBytes(32).toString('base64url') },
    });
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ statusCode: 400, message: 'This link is invalid or has expired' });
    expect(comparable(madeUp)).toEqual(comparable(reused));

    // The token from before still says unverified; one refreshed after the verification says
    // verified (the session goes on), and orders go through.
    expect((await orderAs(unverified.accessToken)).status).toBe(403);
    const refreshed = await refresh(unverified.refreshToken);
    expect(refreshed.status).toBe(200);
    const fresh = refreshed.body as { accessToken: string };
    expect(
      (await call(deployment, 'auth', 'GET', '/auth/me', { token: fresh.accessToken })).body,
    ).toMatchObject({ emailVerified: true });
    expect((await orderAs(fresh.accessToken)).status).toBe(201);
  });

  it('lets verification and reset links expire', async () => {
    const person = await register('expiry');
    const verification = await waitForMail(deployment, person.email, isVerificationMail, 'verification');
    expectStatus(
      await call(deployment, 'auth', 'POST', '/auth/password-reset', { body: { email: person.email } }),
      202,
      'POST /auth/password-reset',
    );
    const reset = await waitForMail(deployment, person.email, isResetMail, 'password reset');
    await sleep(LINK_TTL_MS + 500);

    const lateVerification = await call(deployment, 'auth', 'POST', '/auth/verify-email', {
      body: { token: tokenOfLink(deployment, verification, 'verify-email') },
    });
    expect(lateVerification.status).toBe(400);
    expect(lateVerification.body).toMatchObject({ message: 'This link is invalid or has expired' });
    const lateReset = await call(deployment, 'auth', 'POST', '/auth/password-reset/confirm', {
      body: { token: tokenOfLink(deployment, reset, 'reset-password'), password: 'a-new-password-2' },
    });
    expect(lateReset.status).toBe(400);
    expect(lateReset.body).toMatchObject({ message: 'This link is invalid or has expired' });
    // Nothing changed: the old password still works, the address is still unverified.
    const session = await login(deployment, person);
    expect(
      (await call(deployment, 'auth', 'GET', '/auth/me', { token: session.accessToken })).body,
    ).toMatchObject({
      emailVerified: false,
    });
  });

  it('resets a forgotten password with the e-mailed link once, ending every session; unknown addresses get the same answer', async () => {
    const person = await register('reset');
    const first = await login(deployment, person);
    const second = await login(deployment, person);

    const started = Date.now();
    const known = await call(deployment, 'auth', 'POST', '/auth/password-reset', {
      body: { email: person.email },
    });
    const knownMs = Date.now() - started;
    const unknownAddress = uniqueEmail('nobody');
    const startedUnknown = Date.now();
    const unknown = await call(deployment, 'auth', 'POST', '/auth/password-reset', {
      body: { email: unknownAddress },
    });
    const unknownMs = Date.now() - startedUnknown;
    expect(known.status).toBe(202);
    expect(comparable(unknown)).toEqual(comparable(known));
    process.stdout.write(
      `[account flows ${mode}] password-reset answered in ${knownMs} ms (known), ${unknownMs} ms (unknown)\n`,
    );

    const mail = await waitForMail(deployment, person.email, isResetMail, 'password reset');
    expect(mail.subject).toBe('Reset your CourseHub password');
    const token = tokenOfLink(deployment, mail, 'reset-password');
    const confirmed = await call(deployment, 'auth', 'POST', '/auth/password-reset/confirm', {
      body: { token, password: 'a-new-password-2' },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ revokedSessions: 2, currentSessionKept: false });
    const reused = await call(deployment, 'auth', 'POST', '/auth/password-reset/confirm', {
      body: { token, password: 'a-third-password-3' },
    });
    expect(reused.status).toBe(400);

    // Every session ended; the old password stopped working, the new one works.
    expect((await refresh(first.refreshToken)).status).toBe(401);
    expect((await refresh(second.refreshToken)).status).toBe(401);
    expect(
      (
        await call(deployment, 'auth', 'POST', '/auth/login', {
          body: { email: person.email, password: PASSWORD },
        })
      ).status,
    ).toBe(401);
    await login(deployment, { email: person.email, password: 'a-new-password-2' });
    await noticeTo(person.email, 'Your CourseHub password was reset');

    // The unknown address received nothing.
    await sleep(300);
    expect(mailTo(deployment, unknownAddress)).toEqual([]);
  });

  it('changes the password keeping only the current session, with a notice', async () => {
    const person = await register('change');
    const other = await login(deployment, person);
    const current = await login(deployment, person);

    const wrong = await call(deployment, 'auth', 'POST', '/auth/password', {
      token: current.accessToken,
      body: { currentPassword: 'not-the-password', newPassword: 'changed-password-2' },
    });
    expect(wrong.status).toBe(403);

    const changed = await call(deployment, 'auth', 'POST', '/auth/password', {
      token: current.accessToken,
      body: {
        currentPassword: PASSWORD,
        newPassword: 'changed-password-2',
        refreshToken: current.refreshToken,
      },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ revokedSessions: 1, currentSessionKept: true });
    expect((await refresh(other.refreshToken)).status).toBe(401);
    expect((await refresh(current.refreshToken)).status).toBe(200);
    await login(deployment, { email: person.email, password: 'changed-password-2' });
    await noticeTo(person.email, 'Your CourseHub password was changed');
  });

  it('changes the address only once the link e-mailed to the new one is opened; the old one gets a notice', async () => {
    const person = await register('old-address');
    const session = await login(deployment, person);
    const newEmail = uniqueEmail('new-address');
    const wrong = await call(deployment, 'auth', 'POST', '/auth/me/email', {
      token: session.accessToken,
      body: { newEmail, password: 'not-the-password' },
    });
    expect(wrong.status).toBe(403);
    const requested = await call(deployment, 'auth', 'POST', '/auth/me/email', {
      token: session.accessToken,
      body: { newEmail, password: PASSWORD },
    });
    expect(requested.status).toBe(202);
    const mail = await waitForMail(deployment, newEmail, isVerificationMail, 'address change');
    expect(mail.subject).toBe('Confirm your new e-mail address');
    // Until the link is opened, the account keeps its address.
    expect(
      (await call(deployment, 'auth', 'GET', '/auth/me', { token: session.accessToken })).body,
    ).toMatchObject({
      email: person.email,
    });

    const token = tokenOfLink(deployment, mail, 'verify-email');
    const changed = await call(deployment, 'auth', 'POST', '/auth/verify-email', { body: { token } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: person.id, email: newEmail, emailVerified: true });
    expect((await call(deployment, 'auth', 'POST', '/auth/verify-email', { body: { token } })).status).toBe(
      400,
    );
    await noticeTo(person.email, 'Your CourseHub e-mail address was changed');
    await login(deployment, { email: newEmail, password: PASSWORD });
    expect(
      (
        await call(deployment, 'auth', 'POST', '/auth/login', {
          body: { email: person.email, password: PASSWORD },
        })
      ).status,
    ).toBe(401);
  });

  it('signs out everywhere with logout-all, with a notice', async () => {
    const person = await register('logout-all');
    const sessions = [await login(deployment, person), await login(deployment, person)];
    const out = await call(deployment, 'auth', 'POST', '/auth/logout-all', {
      token: sessions[0].accessToken,
    });
    expect(out.status).toBe(204);
    for (const session of sessions) expect((await refresh(session.refreshToken)).status).toBe(401);
    await noticeTo(person.email, 'You were signed out everywhere');
    expect((await call(deployment, 'auth', 'POST', '/auth/logout-all')).status).toBe(401);
  });
});

import {
  accountSecurityNotice,
  courseCompleted,
  createEnvelope,
  emailVerificationRequested,
  orderConfirmed,
  passwordResetRequested,
  userDeleted,
  userRegistered,
  userUpdated,
} from '@coursehub/contracts';
import { type CapturedMessage, SmtpSink } from '@coursehub/embedded';
import { TransportKind } from '@coursehub/messaging';
import { apiCall, searchMongo, TemporaryMongoDatabase, TestTokenIssuer } from '@coursehub/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserProjectionsRepository } from '../src/data/user-projections.repository';
import { EmailsService } from '../src/domain/emails.service';
import { REDACTED_LINK } from '../src/domain/personal-email-data.service';
import { UnsubscribeTokens } from '../src/domain/unsubscribe-tokens';
import { EMAIL_TEMPLATES } from '../src/email.constants';
import { EmailStack, eventually, sleep, startEmailStack } from './email-test-app';

const PUBLIC_URL = 'https://learn.coursehub.example';

/*
 * The account and learning e-mails of issues 15 and 16 as a user meets them: events arrive over
 * the transport (Kafka mock cluster or in-process), e-mails leave through SMTP into the sink and
 * are read there (headers included), records live in MongoDB (the embedded wire server), and the
 * HTTP routes are called as a client does.
 */
describe.each<TransportKind>(['in-process', 'kafka'])(
  'account and learning e-mails (%s transport)',
  (transport) => {
    let stack: EmailStack;
    let database: TemporaryMongoDatabase;
    let sink: SmtpSink;
    let app: NestFastifyApplication;
    let baseUrl: string;
    let emails: EmailsService;
    let issuer: TestTokenIssuer;
    let dataDir: string;

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'email-account-'));
      issuer = new TestTokenIssuer();
      stack = await startEmailStack(transport, 'email_account', {
        JWT_PUBLIC_KEY: issuer.publicKeyPem,
        PUBLIC_URL,
        EMAIL_UNSUBSCRIBE_SECRET: 'an-unsubscribe-secret-for-these-tests-only-0123456789',
        DATA_DIR: dataDir,
      });
      ({ app, baseUrl, database, emails, sink } = stack);
    }, 60_000);

    afterAll(async () => {
      await stack?.stop();
      await rm(dataDir, { recursive: true, force: true });
    });

    const publish: EmailStack['publish'] = (contract, envelope) => stack.publish(contract, envelope);

    /** A user known to the e-mail service (its user.registered consumed and welcome e-mail settled). */
    const registeredUser = async (name = 'Ada Lovelace') => {
      const userId = randomUUID();
      const email = `${name.toLowerCase().replace(/\W/g, '')}-${userId.slice(0, 8)}@example.com`;
      const event = createEnvelope(
        userRegistered,
        { userId, email, displayName: name },
        { producer: 'auth' },
      );
      await publish(userRegistered, event);
      await eventually(
        async () => {
          const record = await emails.findByEventId(event.id);
          return record && record.status !== 'pending' && record.status !== 'sending' ? record : undefined;
        },
        30_000,
        'the welcome e-mail to settle',
      );
      return {
        userId,
        email,
        displayName: name,
        welcomeEventId: event.id,
        token: await issuer.sign({ id: userId, roles: ['student'] }),
      };
    };

    /** The message the sink received for the event (its Message-ID derives from the event id). */
    const messageOf = (eventId: string, what = `the e-mail of ${eventId}`): Promise<CapturedMessage> =>
      eventually(
        () => sink.messages.find((message) => message.messageId?.startsWith(`<${eventId}.`)),
        30_000,
        what,
      );

    /** `course.completed` for the user: a new course and certificate, completed now. */
    const courseCompletion = (userId: string, courseTitle: string) =>
      createEnvelope(
        courseCompleted,
        {
          userId,
          courseId: randomUUID(),
          courseTitle,
          certificateId: randomUUID(),
          completedAt: new Date().toISOString(),
        },
        { producer: 'course' },
      );

    const unsubscribeTokenOf = (userId: string) =>
      encodeURIComponent(app.get(UnsubscribeTokens).sign({ userId, category: 'recommendations' }));

    const header = (message: CapturedMessage, name: string): string | undefined => {
      const line = message.headerLines.find((candidate) => candidate.key === name.toLowerCase());
      return line?.line.slice(line.line.indexOf(':') + 1).trim();
    };

    it('sends verification, reset and security notices with their links, always, without List-Unsubscribe', async () => {
      const user = await registeredUser('Grace <Hopper>');
      // Even with every non-transactional category off, transactional e-mails go out.
      const off = await apiCall(baseUrl, 'PUT', '/emails/preferences', {
        token: user.token,
        body: { courseUpdates: false, recommendations: false },
      });
      expect(off.status).toBe(200);

      const newAddress = `new-${user.userId.slice(0, 8)}@example.com`;
      const verification = createEnvelope(
        emailVerificationRequested,
        {
          userId: user.userId,
          email: newAddress,
          displayName: user.displayName,
          verificationUrl: `${PUBLIC_URL}/verify-email?token=verify-${user.userId}`,
          expiresAt: '2026-12-01T10:00:00.000Z',
          purpose: 'email-change',
        },
        { producer: 'auth' },
      );
      const reset = createEnvelope(
        passwordResetRequested,
        {
          userId: user.userId,
          email: user.email,
          displayName: user.displayName,
          resetUrl: `${PUBLIC_URL}/reset-password?token=reset-${user.userId}`,
          expiresAt: '2026-12-01T10:30:00.000Z',
        },
        { producer: 'auth' },
      );
      const notice = createEnvelope(
        accountSecurityNotice,
        {
          userId: user.userId,
          email: user.email,
          displayName: user.displayName,
          notice: 'email-changed',
          occurredAt: '2026-12-01T10:00:00.000Z',
        },
        { producer: 'auth' },
      );
      await publish(emailVerificationRequested, verification);
      await publish(passwordResetRequested, reset);
      await publish(accountSecurityNotice, notice);

      const verifyMessage = await messageOf(verification.id);
      expect(verifyMessage.to).toEqual([newAddress]);
      expect(verifyMessage.subject).toBe('Confirm your new e-mail address');
      expect(verifyMessage.text).toContain(verification.data.verificationUrl);
      expect(verifyMessage.html).toContain(`href="${verification.data.verificationUrl}"`);
      // Sent to an address nobody has proven yet: nothing the account holder typed goes with it.
      expect(`${verifyMessage.text} ${verifyMessage.html}`).not.toContain('Hopper');

      const resetMessage = await messageOf(reset.id);
      expect(resetMessage.to).toEqual([user.email]);
      expect(resetMessage.text).toContain(reset.data.resetUrl);

      const noticeMessage = await messageOf(notice.id);
      expect(noticeMessage.to).toEqual([user.email]);
      expect(noticeMessage.subject).toBe('Your CourseHub e-mail address was changed');

      for (const message of [verifyMessage, resetMessage, noticeMessage]) {
        expect(header(message, 'List-Unsubscribe')).toBeUndefined();
        expect(header(message, 'List-Unsubscribe-Post')).toBeUndefined();
      }

      // The one-time links leave the log once delivered: no reader of it can use them.
      const redacted = await eventually(
        async () => {
          const record = await emails.findByEventId(reset.id);
          return record?.data.resetUrl === REDACTED_LINK ? record : undefined;
        },
        10_000,
        'the reset link to be redacted',
      );
      expect(redacted.text).not.toContain(reset.data.resetUrl);
      expect(redacted.html).not.toContain('reset-password?token=');
      expect(redacted.text).toContain(REDACTED_LINK);
    }, 90_000);

    it('gives non-transactional e-mails one-click List-Unsubscribe headers that work without signing in', async () => {
      const user = await registeredUser();
      const welcome = await messageOf(user.welcomeEventId, 'the welcome e-mail');
      const listUnsubscribe = header(welcome, 'List-Unsubscribe');
      expect(listUnsubscribe).toMatch(
        new RegExp(
          `^<${PUBLIC_URL.replace(/\./g, '\\.')}/emails/unsubscribe\\?token=${user.userId}\\.recommendations\\.[\\w-]+>$`,
        ),
      );
      expect(header(welcome, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(welcome.text).toContain(`Unsubscribe: ${listUnsubscribe!.slice(1, -1)}`);

      // A forged, altered or missing token changes nothing.
      const link = new URL(listUnsubscribe!.slice(1, -1));
      const token = link.searchParams.get('token')!;
      const forged = `${user.userId}.recommendations.${'A'.repeat(43)}`;
      const wrongCategory = token.replace('.recommendations.', '.courseUpdates.');
      for (const bad of [forged, wrongCategory, `${token}x`, 'not-a-token']) {
        const rejected = await apiCall(
          baseUrl,
          'POST',
          `/emails/unsubscribe?token=${encodeURIComponent(bad)}`,
        );
        expect(rejected.status).toBe(400);
        expect(rejected.body).toMatchObject({ statusCode: 400 });
      }
      expect((await apiCall(baseUrl, 'POST', '/emails/unsubscribe')).status).toBe(400);
      const before = await apiCall(baseUrl, 'GET', '/emails/preferences', { token: user.token });
      expect(before.body).toEqual({ courseUpdates: true, recommendations: true });

      // Opened in a browser, the link shows a confirmation and changes nothing (mail scanners open links).
      const page = await fetch(`${baseUrl}${link.pathname}${link.search}`, {
        headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
      });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
      const pageHtml = await page.text();
      expect(pageHtml).toContain('Unsubscribe from course recommendations?');
      expect(pageHtml).toContain('<form method="post">');
      const described = await apiCall(baseUrl, 'GET', `${link.pathname}${link.search}`, {
        headers: { accept: 'application/json' },
      });
      expect(described.body).toEqual({ category: 'recommendations', subscribed: true });
      const forgedPage = await apiCall(baseUrl, 'GET', `/emails/unsubscribe?token=${forged}`);
      expect(forgedPage.status).toBe(400);
      expect(forgedPage.body.statusCode).toBe(400);
      expect((await apiCall(baseUrl, 'GET', '/emails/preferences', { token: user.token })).body).toEqual({
        courseUpdates: true,
        recommendations: true,
      });

      // What a mail client sends (RFC 8058): a form POST to the link, no credentials.
      const clicked = await fetch(`${baseUrl}${link.pathname}${link.search}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(clicked.status).toBe(200);
      expect(await clicked.json()).toEqual({ category: 'recommendations', subscribed: false });
      const after = await apiCall(baseUrl, 'GET', '/emails/preferences', { token: user.token });
      expect(after.body).toEqual({ courseUpdates: true, recommendations: false });
      // Clicking again is harmless; the page's button (a browser's form post) gets a page back.
      const clickedAgain = await fetch(`${baseUrl}${link.pathname}${link.search}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html,*/*;q=0.8' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(clickedAgain.status).toBe(200);
      expect(await clickedAgain.text()).toContain('You are unsubscribed from course recommendations');

      // The next recommendation-category e-mail is recorded as suppressed and never sent.
      const again = createEnvelope(
        userRegistered,
        { userId: user.userId, email: user.email, displayName: user.displayName },
        { producer: 'auth' },
      );
      await publish(userRegistered, again);
      const suppressed = await eventually(
        async () => (await emails.findByEventId(again.id)) ?? undefined,
        30_000,
        'the suppressed welcome',
      );
      expect(suppressed).toMatchObject({ status: 'suppressed', subject: null });
      // Transactional e-mails still go out, without the headers.
      const order = createEnvelope(
        orderConfirmed,
        {
          orderId: randomUUID(),
          userId: user.userId,
          courseId: randomUUID(),
          courseTitle: 'Distributed Systems',
          price: 49_99,
          currency: 'EUR',
        },
        { producer: 'order' },
      );
      await publish(orderConfirmed, order);
      const receipt = await messageOf(order.id, 'the enrolment confirmation');
      expect(header(receipt, 'List-Unsubscribe')).toBeUndefined();
      await sleep(200);
      expect(sink.messages.filter((message) => message.messageId?.startsWith(`<${again.id}.`))).toHaveLength(
        0,
      );
    }, 90_000);

    it('keeps preferences per signed-in user and validates them', async () => {
      const user = await registeredUser('Preference Keeper');
      expect((await apiCall(baseUrl, 'GET', '/emails/preferences')).status).toBe(401);
      expect(
        (
          await apiCall(baseUrl, 'PUT', '/emails/preferences', {
            body: { courseUpdates: true, recommendations: true },
          })
        ).status,
      ).toBe(401);
      for (const body of [
        {},
        { courseUpdates: 'yes', recommendations: true },
        { courseUpdates: true },
        { courseUpdates: true, recommendations: false, marketing: true },
      ]) {
        const invalid = await apiCall(baseUrl, 'PUT', '/emails/preferences', { token: user.token, body });
        expect(invalid.status).toBe(400);
        expect(invalid.body.statusCode).toBe(400);
      }
      const saved = await apiCall(baseUrl, 'PUT', '/emails/preferences', {
        token: user.token,
        body: { courseUpdates: false, recommendations: true },
      });
      expect(saved.status).toBe(200);
      expect(saved.body).toEqual({ courseUpdates: false, recommendations: true });
      const read = await apiCall(baseUrl, 'GET', '/emails/preferences', { token: user.token });
      expect(read.body).toEqual({ courseUpdates: false, recommendations: true });
      // Concurrent first writes of a new user (the upsert race) all succeed and leave one document.
      const racer = await issuer.persona(['student']);
      const raced = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          index % 2 === 0
            ? apiCall(baseUrl, 'PUT', '/emails/preferences', {
                token: racer.token,
                body: { courseUpdates: index < 5, recommendations: false },
              })
            : apiCall(baseUrl, 'POST', `/emails/unsubscribe?token=${unsubscribeTokenOf(racer.id)}`),
        ),
      );
      expect(raced.map((response) => response.status)).toEqual(Array(10).fill(200));
      const racerDocuments = (await searchMongo(database.url, racer.id)).findings;
      expect(racerDocuments.map((finding) => finding.table)).toEqual(['email_preferences']);
      expect(
        (await apiCall(baseUrl, 'GET', '/emails/preferences', { token: racer.token })).body,
      ).toMatchObject({
        recommendations: false,
      });
      const other = await issuer.persona(['student']);
      expect((await apiCall(baseUrl, 'GET', '/emails/preferences', { token: other.token })).body).toEqual({
        courseUpdates: true,
        recommendations: true,
      });
    }, 60_000);

    it('sends the course-completed e-mail with the public certificate link', async () => {
      const user = await registeredUser('Learner & Co');
      const completed = courseCompletion(user.userId, 'Rust <for> "Everyone"');
      const { certificateId } = completed.data;
      await publish(courseCompleted, completed);
      const message = await messageOf(completed.id, 'the course-completed e-mail');
      const certificateUrl = `${PUBLIC_URL}/certificates/${certificateId}`;
      expect(message.to).toEqual([user.email]);
      expect(message.subject).toBe('Course completed: Rust <for> "Everyone"');
      expect(message.text).toContain(`Your certificate: ${certificateUrl}`);
      expect(message.html).toContain(`<a href="${certificateUrl}">View your certificate</a>`);
      expect(message.html).toContain('<strong>Rust &lt;for&gt; &quot;Everyone&quot;</strong>');
      expect(header(message, 'List-Unsubscribe')).toBeUndefined();
      // Redelivery sends nothing more.
      await publish(courseCompleted, completed);
      await sleep(300);
      expect(sink.messages.filter((m) => m.messageId?.startsWith(`<${completed.id}.`))).toHaveLength(1);
    }, 60_000);

    it('follows user.updated to the newest profile and ignores an older one delivered late', async () => {
      const user = await registeredUser('Old Name');
      /** The user's profile as renamed to `displayName`, changed `inMs` from now. */
      const profileUpdate = (displayName: string, inMs: number) => {
        const email = `${displayName.split(' ')[0].toLowerCase()}-${user.userId.slice(0, 8)}@example.com`;
        return createEnvelope(
          userUpdated,
          { userId: user.userId, email, displayName, emailVerified: true },
          { producer: 'auth', occurredAt: new Date(Date.now() + inMs) },
        );
      };
      const newer = profileUpdate('New Name', 60_000);
      const older = profileUpdate('Stale Name', 30_000);
      await publish(userUpdated, newer);
      const projections = app.get(UserProjectionsRepository);
      await eventually(
        async () => (await projections.findByUserId(user.userId))?.displayName === 'New Name',
        30_000,
        'the newer profile',
      );
      // Events of one user on different topics may arrive in any order: an older profile that
      // arrives late (handed in as the handler does, so it is surely consumed) changes nothing.
      await emails.handleUserUpdated(older);
      expect(await projections.findByUserId(user.userId)).toMatchObject({
        email: newer.data.email,
        displayName: 'New Name',
        sourceEventId: newer.id,
      });
      const completed = courseCompletion(user.userId, 'Go');
      await publish(courseCompleted, completed);
      const message = await messageOf(completed.id);
      expect(message.to).toEqual([newer.data.email]);
      expect(message.text).toContain('Hello New Name,');
    }, 60_000);

    it('erases a deleted user: one deletion notice, then no trace of the address in any collection', async () => {
      const user = await registeredUser('Erase Me');
      await apiCall(baseUrl, 'PUT', '/emails/preferences', {
        token: user.token,
        body: { courseUpdates: false, recommendations: true },
      });
      const order = createEnvelope(
        orderConfirmed,
        {
          orderId: randomUUID(),
          userId: user.userId,
          courseId: randomUUID(),
          courseTitle: 'Privacy by Design',
          price: 10_00,
          currency: 'USD',
        },
        { producer: 'order' },
      );
      await publish(orderConfirmed, order);
      await stack.sentRecordOf(order.id);

      const exported = await apiCall(baseUrl, 'GET', '/me/export', { token: user.token });
      expect(exported.status).toBe(200);
      expect(exported.body.email.preferences).toEqual({ courseUpdates: false, recommendations: true });
      expect(exported.body.email.emails.map((email: { template: string }) => email.template).sort()).toEqual([
        'order-confirmed',
        'welcome',
      ]);
      expect(exported.body.email.emails[0]).toMatchObject({ to: user.email, status: 'sent' });
      expect(Object.keys(exported.body.email.emails[0]).sort()).toEqual(
        ['createdAt', 'id', 'sentAt', 'status', 'subject', 'template', 'to'].sort(),
      );

      const before = await searchMongo(database.url, user.email);
      expect(before.findings.length).toBeGreaterThan(0);

      const deletion = createEnvelope(
        userDeleted,
        { userId: user.userId, deletedAt: '2026-11-29T11:00:00.000Z' },
        { producer: 'auth' },
      );
      await publish(userDeleted, deletion);
      const notice = await messageOf(deletion.id, 'the deletion notice');
      expect(notice.to).toEqual([user.email]);
      expect(notice.subject).toBe('Your CourseHub account was deleted');
      expect(header(notice, 'List-Unsubscribe')).toBeUndefined();

      // The notice's own record is deleted once the relay accepted it.
      await eventually(
        async () => (await emails.findByEventId(deletion.id)) === null,
        10_000,
        'the notice record to go',
      );
      const after = await searchMongo(database.url, user.email);
      expect(after.searched).toEqual(
        expect.arrayContaining([
          `${database.name}:emails`,
          `${database.name}:email_users`,
          `${database.name}:email_preferences`,
          `${database.name}:email_erased_users`,
        ]),
      );
      expect(after.rowsRead).toBeGreaterThan(0);
      expect(after.findings).toEqual([]);
      expect((await searchMongo(database.url, 'Erase Me')).findings).toEqual([]);
      expect((await searchMongo(database.url, user.userId)).findings.map((finding) => finding.table)).toEqual(
        ['email_erased_users'],
      );

      // A redelivered deletion sends no second notice; a late event of the account recreates nothing.
      await publish(userDeleted, deletion);
      const late = createEnvelope(
        userRegistered,
        { userId: user.userId, email: user.email, displayName: 'Erase Me' },
        { producer: 'auth' },
      );
      await publish(userRegistered, late);
      const marker = await registeredUser('After Erasure');
      await sleep(300);
      expect(sink.messages.filter((m) => m.messageId?.startsWith(`<${deletion.id}.`))).toHaveLength(1);
      expect(await emails.findByEventId(late.id)).toBeNull();
      expect((await searchMongo(database.url, user.email)).findings).toEqual([]);
      const exportAfter = await apiCall(baseUrl, 'GET', '/me/export', { token: user.token });
      expect(exportAfter.body.email).toEqual({
        emails: [],
        preferences: { courseUpdates: true, recommendations: true },
      });
      expect(marker.userId).not.toBe(user.userId);
    }, 90_000);

    it('erases a user it never knew: no notice, waiting e-mails dropped, late events ignored', async () => {
      const userId = randomUUID();
      const email = `never-known-${userId.slice(0, 8)}@example.com`;
      const order = createEnvelope(
        orderConfirmed,
        {
          orderId: randomUUID(),
          userId,
          courseId: randomUUID(),
          courseTitle: 'Early Bird',
          price: 5_00,
          currency: 'USD',
        },
        { producer: 'order' },
      );
      await publish(orderConfirmed, order);
      await eventually(
        async () => (await emails.findByEventId(order.id)) ?? undefined,
        30_000,
        'the waiting e-mail',
      );
      const deletion = createEnvelope(
        userDeleted,
        { userId, deletedAt: new Date().toISOString() },
        { producer: 'auth' },
      );
      await publish(userDeleted, deletion);
      await eventually(
        async () => (await emails.findByEventId(order.id)) === null,
        30_000,
        'the waiting e-mail to go',
      );
      // The account's registration, delivered after its deletion, recreates nothing and sends nothing.
      const late = createEnvelope(
        userRegistered,
        { userId, email, displayName: 'Never Known' },
        { producer: 'auth' },
      );
      await emails.handleUserRegistered(late);
      const lateCompletion = courseCompletion(userId, 'Late');
      await emails.handleCourseCompleted(lateCompletion);
      expect(await emails.findByEventId(late.id)).toBeNull();
      expect(await emails.findByEventId(lateCompletion.id)).toBeNull();
      expect(await emails.findByEventId(deletion.id)).toBeNull();
      expect((await searchMongo(database.url, email)).findings).toEqual([]);
      expect(sink.messages.filter((message) => message.to.includes(email))).toEqual([]);
    }, 60_000);

    it('previews every template for admins only', async () => {
      const admin = await issuer.persona(['admin']);
      const student = await issuer.persona(['student']);
      for (const template of EMAIL_TEMPLATES) {
        const preview = await apiCall(baseUrl, 'GET', `/emails/templates/${template}/preview`, {
          token: admin.token,
        });
        expect(preview.status).toBe(200);
        // Mail to a not yet proven address greets without the name (see account-email-templates.ts).
        const greeting = ['welcome', 'verify-email'].includes(template) ? 'Hello,' : 'Hello Ada Lovelace,';
        expect(preview.body).toEqual({
          template,
          subject: expect.any(String),
          text: expect.stringContaining(greeting),
          html: expect.stringMatching(new RegExp(`^<!doctype html>.*<p>${greeting}</p>`, 's')),
        });
      }
      const completed = await apiCall(baseUrl, 'GET', '/emails/templates/course-completed/preview', {
        token: admin.token,
      });
      expect(completed.body.text).toContain(`${PUBLIC_URL}/certificates/`);
      const welcome = await apiCall(baseUrl, 'GET', '/emails/templates/welcome/preview', {
        token: admin.token,
      });
      expect(welcome.body.text).toContain(`Unsubscribe: ${PUBLIC_URL}/emails/unsubscribe?token=`);
      expect(
        (await apiCall(baseUrl, 'GET', '/emails/templates/welcome/preview', { token: student.token })).status,
      ).toBe(403);
      expect((await apiCall(baseUrl, 'GET', '/emails/templates/welcome/preview')).status).toBe(401);
      const unknown = await apiCall(baseUrl, 'GET', '/emails/templates/no-such-template/preview', {
        token: admin.token,
      });
      expect(unknown.status).toBe(404);
      expect(unknown.body.statusCode).toBe(404);
    }, 60_000);

    it('documents the new routes in OpenAPI with an example on every property', async () => {
      const document = (await (await fetch(`${baseUrl}/docs-json`)).json()) as {
        paths: Record<string, Record<string, unknown>>;
        components: { schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }> };
      };
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining([
          '/emails/preferences',
          '/emails/unsubscribe',
          '/emails/templates/{name}/preview',
        ]),
      );
      expect(Object.keys(document.paths['/emails/preferences']).sort()).toEqual(['get', 'put']);
      expect(Object.keys(document.paths['/emails/unsubscribe']).sort()).toEqual(['get', 'post']);
      const statusesOf = (path: string, method: string) =>
        Object.keys((document.paths[path][method] as { responses: Record<string, unknown> }).responses);
      expect(statusesOf('/emails/unsubscribe', 'get')).toEqual(expect.arrayContaining(['200', '400']));
      expect(statusesOf('/emails/unsubscribe', 'post')).toEqual(expect.arrayContaining(['200', '400']));
      expect(statusesOf('/emails/preferences', 'put')).toEqual(expect.arrayContaining(['200', '400']));
      expect(statusesOf('/emails/{id}/retry', 'post')).toEqual(expect.arrayContaining(['200', '404', '409']));
      expect(statusesOf('/emails/retry-failed', 'post')).toEqual(expect.arrayContaining(['200', '400']));
      for (const name of [
        'EmailPreferencesDto',
        'UnsubscribeResultDto',
        'UnsubscribeLinkDto',
        'EmailTemplatePreviewDto',
        'EmailSummaryDto',
        'EmailDetailDto',
        'RetryFailedEmailsResultDto',
      ]) {
        const properties = Object.entries(document.components.schemas[name]?.properties ?? {});
        expect(properties.length).toBeGreaterThan(0);
        expect(
          properties.filter(([, property]) => !('example' in property)).map(([field]) => `${name}.${field}`),
        ).toEqual([]);
      }
    });
  },
);

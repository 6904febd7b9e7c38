/*
 * The erasure proof (issue 16): a learner registers, verifies their address, orders, learns,
 * reviews and receives e-mails; then deletes their account. Afterwards every store CourseHub
 * writes to is searched for their e-mail address and their display name, as an auditor would —
 * every table of each PostgreSQL database (outbox and dead letters included, after the relay sent
 * everything), every collection of every MongoDB database — and nothing is found. The e-mail
 * service documents what it keeps after `user.deleted` (EmailsService.handleUserDeleted): the
 * "your account was deleted" notice's record until the relay accepted it (then it is deleted), and
 * the erased user's id; so once the notice is delivered, no store holds the address.
 * The same proof runs on the platform (in-process transport) and on the split deployment (four
 * processes over the Kafka mock).
 */
import { createHash } from 'node:crypto';
import {
  accountSecurityNotice,
  emailVerificationRequested,
  passwordResetRequested,
  userRegistered,
  userUpdated,
} from '@coursehub/contracts';
import {
  searchKafka,
  searchMongo,
  searchPostgres,
  type StoreSearch,
  unsentOutboxRows,
} from '@coursehub/testing';
import { eventually } from '@coursehub/testing';
import {
  ADMIN,
  type DatabaseService,
  type DeploymentMode,
  type PrivacyDeployment,
  startDeployment,
} from './support/privacy-deployment';
import { queryDatabase } from './support/stores';
import {
  call,
  expectStatus,
  exportSections,
  followVerificationLink,
  isVerificationMail,
  type Learner,
  learnAndReview,
  login,
  mailTo,
  order,
  publishCourseWithLessons,
  registerVerifiedLearner,
  subjectIs,
  subjectStartsWith,
  uniqueEmail,
  waitForMail,
} from './support/journey';

const DATABASES: DatabaseService[] = ['auth', 'course', 'order'];
/** The topics whose events carry an address by contract (Kafka keeps them for the topic retention). */
const ACCOUNT_EVENT_TOPICS = [
  userRegistered,
  userUpdated,
  emailVerificationRequested,
  passwordResetRequested,
  accountSecurityNotice,
].map((contract) => contract.topic);

/** The address as a pseudonym: SHA-256 of it, as a store might keep it instead of the address. */
const addressHash = (email: string, encoding: 'base64url' | 'hex' = 'base64url') =>
  createHash('sha256').update(email.toLowerCase()).digest(encoding);

/** Every store searched for `text`: each service's PostgreSQL database and the MongoDB server. */
async function searchEveryStore(deployment: PrivacyDeployment, text: string): Promise<StoreSearch> {
  const searches = [
    ...(await Promise.all(
      DATABASES.map((service) => searchPostgres(deployment.databaseUrls[service], text)),
    )),
    await searchMongo(deployment.mongoServerUrl, text),
  ];
  return {
    findings: searches.flatMap((search) => search.findings),
    searched: searches.flatMap((search) => search.searched),
    rowsRead: searches.reduce((sum, search) => sum + search.rowsRead, 0),
  };
}

/** Where a search found something, as `database:table(columns)`, for readable expectations. */
const placesOf = (search: StoreSearch) =>
  [
    ...new Set(
      search.findings.map((finding) => `${finding.store}:${finding.table}(${finding.columns.join(',')})`),
    ),
  ].sort();

describe.each<DeploymentMode>(['platform', 'split'])(
  'erasure proven by searching every store (%s)',
  (mode) => {
    let deployment: PrivacyDeployment;
    let adminToken: string;

    beforeAll(async () => {
      deployment = await startDeployment(mode, `privacy_erasure_${mode}`, ADMIN);
      adminToken = (await login(deployment, ADMIN)).accessToken;
    }, 300_000);

    afterAll(() => deployment?.stop(), 120_000);

    it('leaves no trace of the deleted learner’s address or name in any store, keeps the financial rows, and frees the address', async () => {
      const learner: Learner = await registerVerifiedLearner(deployment, 'erasure');
      const bystander = await registerVerifiedLearner(deployment, 'bystander');
      const course = await publishCourseWithLessons(deployment, adminToken, `Erasure Course ${mode}`);
      // A client may put anything in an Idempotency-Key, the address included.
      const placed = await order(deployment, learner, course.id, {
        'idempotency-key': `checkout-${learner.email}`,
      });
      await order(deployment, bystander, course.id);
      await waitForMail(deployment, learner.email, subjectStartsWith('You are enrolled'), 'order');
      await learnAndReview(deployment, learner, course, { rating: 5, comment: 'Clear and well paced.' });
      await waitForMail(deployment, learner.email, subjectStartsWith('Course completed'), 'certificate');

      // The search sees the stores: before the deletion it finds the learner where they live.
      const before = await eventually(
        () => searchEveryStore(deployment, learner.email),
        (search) => search.findings.some((finding) => finding.store === 'mongo'),
      );
      expect(placesOf(before)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^postgres:public\.users\(/),
          expect.stringMatching(/^postgres:public\.idempotency_keys\(key/),
        ]),
      );
      expect(before.findings.some((finding) => finding.store === 'mongo')).toBe(true);
      const nameBefore = await searchEveryStore(deployment, learner.displayName);
      expect(nameBefore.findings.length).toBeGreaterThan(0);
      // A mistyped password: auth counts failed log-ins per account under a SHA-256 of the address.
      const mistyped = await call(deployment, 'auth', 'POST', '/auth/login', {
        body: { email: learner.email, password: 'mistyped-password-1' },
      });
      expect(mistyped.status).toBe(401);
      const hashBefore = await searchEveryStore(deployment, addressHash(learner.email));
      expect(placesOf(hashBefore)).toEqual(['postgres:public.credential_attempts(subject)']);
      const mailsBefore = mailTo(deployment, learner.email).length;

      // The learner deletes their account (a wrong password first: refused, nothing happens).
      const wrong = await call(deployment, 'auth', 'DELETE', '/auth/me', {
        token: learner.accessToken,
        body: { password: 'not-my-password-1' },
      });
      expect(wrong.status).toBe(403);
      expectStatus(
        await call(deployment, 'auth', 'DELETE', '/auth/me', {
          token: learner.accessToken,
          body: { password: learner.password },
        }),
        204,
        'DELETE /auth/me',
      );

      // One "your account was deleted" e-mail, the last one the address gets.
      const notice = await waitForMail(
        deployment,
        learner.email,
        subjectIs('Your CourseHub account was deleted'),
        'deletion notice',
      );
      expect(notice.text).toBeTruthy();

      // Every outbox has handed its events to the transport, and the stores have settled.
      const unsent = await eventually(
        () => Promise.all(DATABASES.map((service) => unsentOutboxRows(deployment.databaseUrls[service]))),
        (counts) => counts.every((count) => count === 0),
      );
      expect(unsent).toEqual([0, 0, 0]);
      const after = await eventually(
        () => searchEveryStore(deployment, learner.email),
        (search) => search.findings.length === 0,
      );
      expect(after.findings).toEqual([]);
      expect(after.searched).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/:public\.users$/),
          expect.stringMatching(/:public\.outbox_messages$/),
          expect.stringMatching(/:public\.dead_letters$/),
          expect.stringMatching(/:public\.orders$/),
          expect.stringMatching(/^coursehub_email:emails$/),
        ]),
      );
      const nameAfter = await searchEveryStore(deployment, learner.displayName);
      expect(nameAfter.findings).toEqual([]);
      process.stdout.write(
        `[erasure ${mode}] searched ${after.searched.length} tables/collections, ${after.rowsRead} rows; ` +
          `before: ${before.findings.length} rows held the address in ${placesOf(before).join(' ')}\n`,
      );

      // Kafka's logs cannot be edited: the account events that carried the address (by contract)
      // keep it until the topic retention deletes them (README "Privacy"); no other topic has it.
      if (deployment.kafkaBrokers) {
        const kafka = await searchKafka(deployment.kafkaBrokers, learner.email);
        const topics = [...new Set(kafka.findings.map((finding) => finding.topic))].sort();
        expect(topics.length).toBeGreaterThan(0);
        expect(ACCOUNT_EVENT_TOPICS).toEqual(expect.arrayContaining(topics));
        process.stdout.write(
          `[erasure ${mode}] Kafka: ${kafka.recordsRead} records in ${kafka.searched.length} topics read; ` +
            `${kafka.findings.length} hold the address, in ${topics.join(' ')} (until retention)\n`,
        );
      }

      // The bystander is untouched (and the search still finds what exists).
      const bystanderFound = await searchEveryStore(deployment, bystander.email);
      expect(placesOf(bystanderFound)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^postgres:public\.users\(/)]),
      );

      // The deleted account's access token is still valid until it expires: its export holds
      // neither the address nor the name any more.
      const exported = await exportSections(deployment, learner);
      expect(exported).toMatchObject({ auth: { profile: null, sessions: [] }, email: { emails: [] } });
      expect(JSON.stringify(exported)).not.toContain(learner.email);
      expect(JSON.stringify(exported)).not.toContain(learner.displayName);

      // The order stays as the financial record: same id, price and status, no personal data beside it.
      expect(
        await queryDatabase(
          deployment.databaseUrls.order,
          'SELECT id, user_id AS "userId", price, status FROM orders WHERE id = $1',
          [placed.id],
        ),
      ).toEqual([{ id: placed.id, userId: learner.id, price: 1900, status: 'confirmed' }]);

      // The review stays, anonymised, and still counts.
      const reviews = await call(deployment, 'course', 'GET', `/courses/${course.id}/reviews`);
      expect(reviews.status).toBe(200);
      expect(reviews.body.items).toEqual([
        expect.objectContaining({ rating: 5, authorName: 'Former learner' }),
      ]);

      // No more e-mails to the address; signing in fails; the address can register again.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(mailTo(deployment, learner.email)).toHaveLength(mailsBefore + 1);
      expect(
        (
          await call(deployment, 'auth', 'POST', '/auth/login', {
            body: { email: learner.email, password: learner.password },
          })
        ).status,
      ).toBe(401);
      const again = await call(deployment, 'auth', 'POST', '/auth/register', {
        body: { email: learner.email, password: learner.password, displayName: 'Someone New' },
      });
      expect(again.status).toBe(201);
      expect(again.body.id).not.toBe(learner.id);
    }, 240_000);

    it('erases an account an admin deletes (DELETE /users/:id) just as thoroughly, its former address too', async () => {
      const registered = await registerVerifiedLearner(deployment, 'admin-erasure');
      // The learner moved to a new address first: the old one is in the e-mail log (the notice).
      const newEmail = uniqueEmail('admin-erasure-new');
      expectStatus(
        await call(deployment, 'auth', 'POST', '/auth/me/email', {
          token: registered.accessToken,
          body: { newEmail, password: registered.password },
        }),
        202,
        'POST /auth/me/email',
      );
      const confirmation = await waitForMail(deployment, newEmail, isVerificationMail, 'address change');
      await followVerificationLink(deployment, confirmation, 'POST /auth/verify-email (address change)');
      await waitForMail(
        deployment,
        registered.email,
        subjectIs('Your CourseHub e-mail address was changed'),
        'address changed notice',
      );
      const formerEmail = registered.email;
      const learner = {
        ...registered,
        email: newEmail,
        ...(await login(deployment, { ...registered, email: newEmail })),
      };
      const course = await publishCourseWithLessons(deployment, adminToken, `Admin Erasure ${mode}`);
      await order(deployment, learner, course.id);
      await waitForMail(deployment, learner.email, subjectStartsWith('You are enrolled'), 'order');
      // Before the deletion the former address is still found (the e-mail log's notice to it).
      expect((await searchEveryStore(deployment, formerEmail)).findings.length).toBeGreaterThan(0);
      const stranger = await registerVerifiedLearner(deployment, 'not-an-admin');
      expect(
        (await call(deployment, 'auth', 'DELETE', `/users/${learner.id}`, { token: stranger.accessToken }))
          .status,
      ).toBe(403);

      expectStatus(
        await call(deployment, 'auth', 'DELETE', `/users/${learner.id}`, { token: adminToken }),
        204,
        'DELETE /users/:id',
      );
      await waitForMail(
        deployment,
        learner.email,
        subjectIs('Your CourseHub account was deleted'),
        'deletion notice',
      );
      await eventually(
        () => Promise.all(DATABASES.map((service) => unsentOutboxRows(deployment.databaseUrls[service]))),
        (counts) => counts.every((count) => count === 0),
      );
      const after = await eventually(
        () => searchEveryStore(deployment, learner.email),
        (search) => search.findings.length === 0,
      );
      expect(after.findings).toEqual([]);
      expect((await searchEveryStore(deployment, formerEmail)).findings).toEqual([]);
      expect((await searchEveryStore(deployment, learner.displayName)).findings).toEqual([]);
      expect(
        (await call(deployment, 'auth', 'GET', `/users/${learner.id}`, { token: adminToken })).status,
      ).toBe(404);
    }, 240_000);
  },
);

import { orderCancelled, orderConfirmed, userRegistered } from '@coursehub/contracts';
import type { EventContract, EventData } from '@coursehub/contracts';
import { encodeCursor } from '@coursehub/core';
import { MessageBus } from '@coursehub/messaging';
import { randomUUID } from 'node:crypto';
import { RecommendationSnapshotsRepository } from '../src/data/recommendation-snapshots.repository';
import { ReviewsRepository } from '../src/data/reviews.repository';
import { announceOn, CourseTestApp, eventually, Persona, useCourseServiceWithProbe } from './course-test-app';

/**
 * Reviews and ratings against real PostgreSQL: who may review (an active enrolment, learnt from
 * order events), one review per learner, newest-first pages with display names, the course's
 * rating kept exact under concurrent reviews, its ETag changing, and search by rating.
 */
describe('course reviews and ratings', () => {
  let service: CourseTestApp;
  let bus: MessageBus;
  let instructor: Persona;

  const announce = <Contract extends EventContract>(contract: Contract, data: EventData<Contract>) =>
    announceOn(bus, contract, data, randomUUID(), 'test');
  const publishedCourse = (overrides: Record<string, unknown> = {}) =>
    service.createCourse(instructor, overrides);
  const getCourse = (id: string) => service.api('GET', `/courses/${id}`);
  const isEnrolled = async (userId: string, courseId: string) => {
    const rows = await service.dataSource.query<unknown[]>(
      `SELECT 1 FROM course_enrolments WHERE user_id = $1 AND course_id = $2 AND cancelled_at IS NULL`,
      [userId, courseId],
    );
    return rows.length > 0;
  };
  /** Enrols the learners through order.confirmed events (as the order service does) and waits for it. */
  const enrol = async (course: { id: string; title: string }, learners: Persona[]) => {
    const orders = learners.map((learner) => ({
      orderId: randomUUID(),
      userId: learner.id,
      courseId: course.id,
      courseTitle: course.title,
    }));
    await Promise.all(
      orders.map((order) => announce(orderConfirmed, { ...order, price: 4900, currency: 'EUR' })),
    );
    for (const learner of learners) {
      await eventually(() => isEnrolled(learner.id, course.id), Boolean, 20_000);
    }
    return orders;
  };
  const review = (courseId: string, learner: Persona | undefined, body: unknown) =>
    service.api('PUT', `/courses/${courseId}/reviews/mine`, { token: learner?.token, body });

  useCourseServiceWithProbe('in-process', (running) => {
    ({ service, bus, instructor } = running);
  });

  it('lets only enrolled learners review: 401 anonymous, 403 not enrolled or cancelled, 404 unknown course', async () => {
    const course = await publishedCourse({ title: 'Review rules' });
    const [learner, refunded] = await Promise.all([
      service.persona(['student']),
      service.persona(['student']),
    ]);
    const stranger = await service.persona(['student']);

    expect((await review(course.id, undefined, { rating: 5 })).status).toBe(401);
    const forbidden = await review(course.id, stranger, { rating: 5 });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.message).toBe('Enrol in this course to review it');
    expect((await review(randomUUID(), stranger, { rating: 5 })).status).toBe(404);
    // The instructor teaches the course but is not enrolled in it.
    expect((await review(course.id, instructor, { rating: 5 })).status).toBe(403);

    const [, refundedOrder] = await enrol(course, [learner, refunded]);
    await announce(orderCancelled, { ...refundedOrder, reason: 'refund' });
    await eventually(
      () => isEnrolled(refunded.id, course.id),
      (enrolled) => !enrolled,
      20_000,
    );
    expect((await review(course.id, refunded, { rating: 4 })).status).toBe(403);

    const created = await review(course.id, learner, { rating: 4, comment: '  Good pace.  ' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      courseId: course.id,
      rating: 4,
      comment: 'Good pace.',
      authorName: 'Learner',
    });
    // By slug as well as by id.
    expect((await review(course.slug, learner, { rating: 4 })).status).toBe(200);
    expect((await service.api('DELETE', `/courses/${course.id}/reviews/mine`)).status).toBe(401);
    expect(
      (await service.api('DELETE', `/courses/${course.id}/reviews/mine`, { token: stranger.token })).status,
    ).toBe(404);
  });

  it('rejects bad input with 400 and the one error shape', async () => {
    const course = await publishedCourse({ title: 'Review validation' });
    const learner = await service.persona(['student']);
    await enrol(course, [learner]);
    for (const body of [
      {},
      { rating: 0 },
      { rating: 6 },
      { rating: 3.5 },
      { rating: '5' },
      { rating: 5, comment: 'x'.repeat(2001) },
      { rating: 5, comment: 42 },
      { rating: 5, author: 'someone else' },
      { rating: 5, comment: 'nul \u0000 byte' },
      { rating: 5, comment: 'lone surrogate \ud800' },
    ]) {
      const response = await review(course.id, learner, body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.body).toMatchObject({ statusCode: 400, message: expect.anything() });
    }
    expect((await review(course.id, learner, { rating: 5, comment: 'x'.repeat(2000) })).status).toBe(201);
    const page = await service.api('GET', `/courses/${course.id}/reviews?cursor=not-a-cursor`);
    expect(page.status).toBe(400);
    expect((await service.api('GET', `/courses/${course.id}/reviews?limit=0`)).status).toBe(400);
    expect((await service.api('GET', `/courses/${randomUUID()}/reviews`)).status).toBe(404);
  });

  it('keeps one review per learner: edit replaces it (200), delete removes it (204), the rating follows', async () => {
    const course = await publishedCourse({ title: 'Review lifecycle' });
    const [ada, bob] = await Promise.all([service.persona(['student']), service.persona(['student'])]);
    await enrol(course, [ada, bob]);
    await announce(userRegistered, { userId: ada.id, email: 'ada@example.com', displayName: 'Ada Lovelace' });
    await eventually(
      async () =>
        (
          await service.dataSource.query<unknown[]>(`SELECT 1 FROM course_user_profiles WHERE user_id = $1`, [
            ada.id,
          ])
        ).length,
      (found) => found > 0,
      20_000,
    );

    const before = await getCourse(course.id);
    expect(before.body.rating).toEqual({ average: null, count: 0 });
    const etagBefore = (await fetch(`${service.url}/courses/${course.id}`)).headers.get('etag');

    expect((await review(course.id, ada, { rating: 5, comment: 'Superb' })).status).toBe(201);
    expect((await review(course.id, bob, { rating: 2 })).status).toBe(201);
    expect((await getCourse(course.id)).body.rating).toEqual({ average: 3.5, count: 2 });
    const etagAfter = (await fetch(`${service.url}/courses/${course.id}`)).headers.get('etag');
    expect(etagAfter).not.toBe(etagBefore);
    // A client holding the old copy gets the new one, not a 304.
    const revalidated = await fetch(`${service.url}/courses/${course.id}`, {
      headers: { 'if-none-match': etagBefore! },
    });
    expect(revalidated.status).toBe(200);

    const edited = await review(course.id, bob, { rating: 3, comment: 'Better on second reading' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ rating: 3, comment: 'Better on second reading' });
    expect((await getCourse(course.id)).body.rating).toEqual({ average: 4, count: 2 });

    const list = await service.api('GET', `/courses/${course.id}/reviews`);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    // Newest first: bob reviewed after ada (an edit keeps the review's place).
    expect(list.body.items.map((item: { authorName: string }) => item.authorName)).toEqual([
      'Learner',
      'Ada Lovelace',
    ]);
    expect(list.body.items[1]).toMatchObject({ rating: 5, comment: 'Superb', courseId: course.id });
    expect(list.body.nextCursor).toBeNull();

    expect(
      (await service.api('DELETE', `/courses/${course.id}/reviews/mine`, { token: bob.token })).status,
    ).toBe(204);
    expect((await getCourse(course.id)).body.rating).toEqual({ average: 5, count: 1 });
    expect(
      (await service.api('DELETE', `/courses/${course.id}/reviews/mine`, { token: bob.token })).status,
    ).toBe(404);
    expect((await review(course.id, bob, { rating: 1 })).status).toBe(201);
    expect((await getCourse(course.id)).body.rating).toEqual({ average: 3, count: 2 });
  });

  it('pages newest first with keyset cursors, and shows an erased author as a former learner', async () => {
    const course = await publishedCourse({ title: 'Review pages' });
    const learners = await Promise.all(Array.from({ length: 7 }, () => service.persona(['student'])));
    await enrol(course, learners);
    for (const [index, learner] of learners.entries()) {
      expect(
        (await review(course.id, learner, { rating: (index % 5) + 1, comment: `review ${index}` })).status,
      ).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=3&cursor=${encodeURIComponent(cursor)}` : '?limit=3';
      const page = await service.api('GET', `/courses/${course.id}/reviews${query}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((item: { comment: string }) => item.comment));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(learners.map((_, index) => `review ${index}`).reverse());

    const ratingBefore = (await getCourse(course.id)).body.rating;
    const reviews = service.app.get(ReviewsRepository);
    expect(await reviews.listByAuthor(learners[6].id)).toEqual([
      expect.objectContaining({
        courseId: course.id,
        courseTitle: 'Review pages',
        rating: 2,
        comment: 'review 6',
      }),
    ]);
    expect(await reviews.anonymiseAuthor(learners[6].id)).toBe(1);
    expect(await reviews.listByAuthor(learners[6].id)).toEqual([]);
    const first = await service.api('GET', `/courses/${course.id}/reviews?limit=1`);
    expect(first.body.items[0]).toMatchObject({
      authorName: 'Former learner',
      comment: 'review 6',
      rating: 2,
    });
    expect((await getCourse(course.id)).body.rating).toEqual(ratingBefore);
  });

  it('keeps the average exact after 50 concurrent reviews and 50 concurrent edits by 50 enrolled learners', async () => {
    const course = await publishedCourse({ title: 'Concurrent reviews' });
    const learners = await Promise.all(Array.from({ length: 50 }, () => service.persona(['student'])));
    await enrol(course, learners);

    const ratings = learners.map((_, index) => ((index * 7) % 5) + 1);
    const responses = await Promise.all(
      learners.map((learner, index) => review(course.id, learner, { rating: ratings[index] })),
    );
    expect(responses.map((response) => response.status)).toEqual(learners.map(() => 201));
    const sum = ratings.reduce((a, b) => a + b, 0);
    expect((await getCourse(course.id)).body.rating).toEqual({
      average: Math.round((sum / 50) * 100) / 100,
      count: 50,
    });

    // Every learner changes their rating at once (and a few also write the same review twice).
    const edits = learners.map((_, index) => ((index * 3) % 5) + 1);
    const editResponses = await Promise.all([
      ...learners.map((learner, index) => review(course.id, learner, { rating: edits[index] })),
      ...learners.slice(0, 5).map((learner, index) => review(course.id, learner, { rating: edits[index] })),
    ]);
    expect(editResponses.every((response) => response.status === 200)).toBe(true);
    const editedSum = edits.reduce((a, b) => a + b, 0);
    expect((await getCourse(course.id)).body.rating).toEqual({
      average: Math.round((editedSum / 50) * 100) / 100,
      count: 50,
    });
    // The kept aggregates equal the reviews table, exactly.
    const [row] = await service.dataSource.query<
      { kept: string; count: number; actual: string; n: string }[]
    >(
      `SELECT c.rating_sum::text AS kept, c.rating_count AS count,
              (SELECT sum(rating) FROM course_reviews WHERE course_id = c.id)::text AS actual,
              (SELECT count(*) FROM course_reviews WHERE course_id = c.id)::text AS n
         FROM courses c WHERE c.id = $1`,
      [course.id],
    );
    expect(row).toEqual({ kept: String(editedSum), count: 50, actual: String(editedSum), n: '50' });
  }, 120_000);

  it('quotes a well-rated course in recommendation reasons and hands ratings to model builds', async () => {
    const owned = await publishedCourse({ title: 'Owned course for ratings', tags: ['ratings-owned'] });
    const rated = await publishedCourse({ title: 'Rated neighbour course', tags: ['ratings-rated'] });
    const reviewers = await Promise.all(Array.from({ length: 3 }, () => service.persona(['student'])));
    await enrol(owned, reviewers);
    await enrol(rated, reviewers);
    for (const reviewer of reviewers) {
      expect((await review(rated.id, reviewer, { rating: 5 })).status).toBe(201);
    }
    const newcomer = await service.persona(['student']);
    await enrol(owned, [newcomer]);
    const items = await eventually(
      async () =>
        (await service.api('GET', '/courses/recommendations?limit=5', { token: newcomer.token })).body
          .items as {
          course: { id: string; rating: unknown };
          reason: string;
        }[],
      (found) => found.some((item) => item.course.id === rated.id && item.reason.startsWith('because')),
      20_000,
    );
    const item = items.find((entry) => entry.course.id === rated.id)!;
    expect(item.reason).toBe('because you enrolled in Owned course for ratings; rated 5.0 by 3 learners');
    expect(item.course.rating).toEqual({ average: 5, count: 3 });
    // What every model build (and restore) loads into the learners' taste profiles.
    const signals = await service.app.get(RecommendationSnapshotsRepository).learnerSignals();
    for (const reviewer of reviewers) {
      expect(signals).toContainEqual({
        userId: reviewer.id,
        courseId: rated.id,
        rating: 5,
        completed: false,
      });
    }
  });

  describe('search by rating', () => {
    const tag = `rated-${randomUUID().slice(0, 8)}`;
    const courses: Record<string, { id: string; title: string }> = {};

    beforeAll(async () => {
      // Five courses with known averages (one unrated) under one tag, so the checks see only them.
      const plan: [string, number[]][] = [
        ['Five stars', [5, 5]],
        ['Four and a half', [4, 5]],
        ['Three', [3]],
        ['Two', [1, 3]],
        ['Unrated', []],
      ];
      const learners = await Promise.all(Array.from({ length: 2 }, () => service.persona(['student'])));
      for (const [title, ratings] of plan) {
        const course = await publishedCourse({ title: `${title} ${tag}`, tags: [tag] });
        courses[title] = course;
        if (ratings.length === 0) continue;
        await enrol(course, learners.slice(0, ratings.length));
        for (const [index, rating] of ratings.entries()) {
          expect((await review(course.id, learners[index], { rating })).status).toBe(201);
        }
      }
    }, 60_000);

    const titles = (items: { title: string }[]) => items.map((item) => item.title.replace(` ${tag}`, ''));

    it('sorts by average rating, unrated last, and carries the rating in listings', async () => {
      const page = await service.api('GET', `/courses?tag=${tag}&sort=rating`);
      expect(page.status).toBe(200);
      expect(titles(page.body.items)).toEqual(['Five stars', 'Four and a half', 'Three', 'Two', 'Unrated']);
      expect(page.body.items[1].rating).toEqual({ average: 4.5, count: 2 });
      expect(page.body.items[4].rating).toEqual({ average: null, count: 0 });
      expect(page.body.total).toBe(5);
    });

    it('keeps keyset pages of sort=rating complete and in order', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page = await service.api('GET', `/courses?tag=${tag}&sort=rating&limit=2${query}`);
        expect(page.status).toBe(200);
        seen.push(...titles(page.body.items));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(['Five stars', 'Four and a half', 'Three', 'Two', 'Unrated']);
      // A cursor of another sort is refused.
      const newest = await service.api('GET', `/courses?tag=${tag}&sort=newest&limit=2`);
      const wrong = await service.api(
        'GET',
        `/courses?tag=${tag}&sort=rating&cursor=${encodeURIComponent(newest.body.nextCursor)}`,
      );
      expect(wrong.status).toBe(400);
      // An edited key never reaches SQL: a 400 naming the cursor.
      for (const key of ['Infinity', '1e-400', 'abc', '0x10']) {
        const edited = encodeCursor({ sort: 'rating', key, id: randomUUID() });
        const response = await service.api(
          'GET',
          `/courses?sort=rating&cursor=${encodeURIComponent(edited)}`,
        );
        expect({ key, status: response.status }).toEqual({ key, status: 400 });
        expect(response.body.message).toMatch(/cursor/i);
      }
    });

    it('filters with minRating, also combined with a text search and other sorts', async () => {
      const atLeast4 = await service.api('GET', `/courses?tag=${tag}&minRating=4`);
      expect(titles(atLeast4.body.items).sort()).toEqual(['Five stars', 'Four and a half']);
      expect(atLeast4.body.total).toBe(2);
      const atLeast2 = await service.api('GET', `/courses?tag=${tag}&minRating=2&sort=rating`);
      expect(titles(atLeast2.body.items)).toEqual(['Five stars', 'Four and a half', 'Three', 'Two']);
      const searched = await service.api(
        'GET',
        `/courses?q=${encodeURIComponent('stars')}&tag=${tag}&minRating=4.5`,
      );
      expect(titles(searched.body.items)).toEqual(['Five stars']);
      for (const bad of ['0', '6', 'abc', '4.123']) {
        expect((await service.api('GET', `/courses?minRating=${bad}`)).status).toBe(400);
      }
    });

    it('shows a new review in the anonymous catalogue at once (the page cache is emptied)', async () => {
      const before = await service.api('GET', `/courses?tag=${tag}&sort=rating`);
      expect(titles(before.body.items).at(-1)).toBe('Unrated');
      const learner = await service.persona(['student']);
      await enrol(courses['Unrated'], [learner]);
      expect((await review(courses['Unrated'].id, learner, { rating: 5 })).status).toBe(201);
      const after = await service.api('GET', `/courses?tag=${tag}&sort=rating`);
      // Now 5.0 like "Five stars" (ties go by id), above 4.5.
      expect(titles(after.body.items).slice(0, 2).sort()).toEqual(['Five stars', 'Unrated']);
      const rated = after.body.items.find((item: { id: string }) => item.id === courses['Unrated'].id);
      expect(rated.rating).toEqual({ average: 5, count: 1 });
    });
  });
});

import { type AuthenticatedUser, ForbiddenError, NotFoundError } from '@coursehub/core';
import { getTransactionHostToken } from '@nestjs-cls/transactional';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { COURSE_FEATURE } from '../course.constants';
import { CoursesRepository } from '../data/courses.repository';
import { EnrolmentsRepository } from '../data/enrolments.repository';
import {
  type PublicReview,
  type RatingChange,
  ReviewsRepository,
  type ReviewWrite,
} from '../data/reviews.repository';
import { CoursesService } from './courses.service';
import { RecommendationsService } from './recommendations.service';
import { ReviewsService } from './reviews.service';

/** Reviews keyed by course and author, answering as the real statements do (see ReviewsRepository). */
class InMemoryReviews implements Pick<ReviewsRepository, 'upsert' | 'remove' | 'page'> {
  readonly rows = new Map<string, PublicReview>();

  upsert(courseId: string, authorId: string, rating: number, comment: string | null): Promise<ReviewWrite> {
    const key = `${courseId}/${authorId}`;
    const previous = this.rows.get(key);
    const now = new Date();
    const review: PublicReview = {
      id: previous?.id ?? randomUUID(),
      courseId,
      rating,
      comment,
      authorName: 'Learner',
      authorKnown: true,
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    };
    this.rows.set(key, review);
    return Promise.resolve(
      previous
        ? { created: false, sumDelta: rating - previous.rating, countDelta: 0, review }
        : { created: true, sumDelta: rating, countDelta: 1, review },
    );
  }

  remove(courseId: string, authorId: string): Promise<RatingChange | null> {
    const key = `${courseId}/${authorId}`;
    const previous = this.rows.get(key);
    this.rows.delete(key);
    return Promise.resolve(previous ? { sumDelta: -previous.rating, countDelta: -1 } : null);
  }

  page(courseId: string) {
    return Promise.resolve({
      items: [...this.rows.values()].filter((row) => row.courseId === courseId).reverse(),
      nextCursor: null,
    });
  }
}

describe('ReviewsService', () => {
  const courseId = randomUUID();
  const learner: AuthenticatedUser = { id: randomUUID(), email: 'ada@example.com', roles: ['student'] };
  const stranger: AuthenticatedUser = { id: randomUUID(), email: 'bob@example.com', roles: ['student'] };
  let reviews: InMemoryReviews;
  let rating: { sum: number; count: number };
  let told: string[];
  let enrolled: Set<string>;
  let service: ReviewsService;

  beforeEach(async () => {
    reviews = new InMemoryReviews();
    rating = { sum: 0, count: 0 };
    told = [];
    enrolled = new Set([learner.id]);
    const courses = {
      adjustRating: (id: string, change: RatingChange) => {
        expect(id).toBe(courseId);
        rating.sum += change.sumDelta;
        rating.count += change.countDelta;
        return Promise.resolve();
      },
    };
    const catalogue = {
      getVisible: (idOrSlug: string) =>
        idOrSlug === courseId || idOrSlug === 'sql-basics'
          ? Promise.resolve({ id: courseId, status: 'published' })
          : Promise.reject(new NotFoundError('Course not found')),
    };
    const moduleRef = await Test.createTestingModule({
      providers: [
        ReviewsService,
        { provide: ReviewsRepository, useValue: reviews },
        { provide: CoursesRepository, useValue: courses },
        {
          provide: EnrolmentsRepository,
          useValue: { isEnrolled: (userId: string) => Promise.resolve(enrolled.has(userId)) },
        },
        { provide: CoursesService, useValue: catalogue },
        {
          provide: RecommendationsService,
          useValue: {
            rated: (user: string, course: string, stars: number) => told.push(`${user}/${course}=${stars}`),
            unrated: (user: string, course: string) => told.push(`${user}/${course} withdrawn`),
          },
        },
        {
          provide: getTransactionHostToken(COURSE_FEATURE),
          useValue: { withTransaction: <T>(work: () => Promise<T>) => work() },
        },
      ],
    }).compile();
    service = moduleRef.get(ReviewsService);
  });

  it('lets an enrolled learner review once and edit, keeping the rating sum and count exact', async () => {
    const first = await service.putMine(courseId, learner, { rating: 4, comment: '  Good  ' });
    expect(first).toMatchObject({ created: true, review: { rating: 4, comment: 'Good' } });
    expect(rating).toEqual({ sum: 4, count: 1 });
    const edit = await service.putMine('sql-basics', learner, { rating: 2, comment: '   ' });
    expect(edit).toMatchObject({ created: false, review: { rating: 2, comment: null } });
    expect(rating).toEqual({ sum: 2, count: 1 });
    expect(told).toEqual([`${learner.id}/${courseId}=4`, `${learner.id}/${courseId}=2`]);
  });

  it('refuses learners without an active enrolment, and unknown courses, changing nothing', async () => {
    await expect(service.putMine(courseId, stranger, { rating: 5 })).rejects.toThrow(ForbiddenError);
    await expect(service.putMine(courseId, stranger, { rating: 5 })).rejects.toThrow(
      'Enrol in this course to review it',
    );
    await expect(service.putMine(randomUUID(), learner, { rating: 5 })).rejects.toThrow(NotFoundError);
    expect(rating).toEqual({ sum: 0, count: 0 });
    expect(reviews.rows.size).toBe(0);
    expect(told).toEqual([]);
  });

  it('deletes the caller’s review (also after their enrolment ended), 404 when there is none', async () => {
    await service.putMine(courseId, learner, { rating: 5 });
    enrolled.delete(learner.id);
    await service.deleteMine(courseId, learner);
    expect(rating).toEqual({ sum: 0, count: 0 });
    expect(told.at(-1)).toBe(`${learner.id}/${courseId} withdrawn`);
    await expect(service.deleteMine(courseId, learner)).rejects.toThrow(NotFoundError);
  });

  it('lists the reviews of a visible course', async () => {
    await service.putMine(courseId, learner, { rating: 3 });
    const page = await service.list(courseId, undefined, 20);
    expect(page.items).toHaveLength(1);
    await expect(service.list(randomUUID(), undefined, 20)).rejects.toThrow(NotFoundError);
  });
});

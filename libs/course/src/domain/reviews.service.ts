import {
  type AuthenticatedUser,
  FeatureTransactions,
  ForbiddenError,
  InjectFeatureTransactions,
  NotFoundError,
  type Page,
} from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { COURSE_FEATURE } from '../course.constants';
import { CoursesRepository } from '../data/courses.repository';
import { EnrolmentsRepository } from '../data/enrolments.repository';
import { type PublicReview, ReviewsRepository } from '../data/reviews.repository';
import { CoursesService } from './courses.service';
import { RecommendationsService } from './recommendations.service';

/** What a learner writes: a rating from 1 to 5 and an optional comment. */
export interface ReviewInput {
  rating: number;
  comment?: string | null;
}

/**
 * Reviews and ratings: one review per learner and course, written only by learners with an active
 * enrolment. The course's rating sum and count change in the review's transaction, so the average
 * shown with the course is exact however many learners review at once.
 */
@Injectable()
export class ReviewsService {
  constructor(
    private readonly reviews: ReviewsRepository,
    private readonly courses: CoursesRepository,
    private readonly enrolments: EnrolmentsRepository,
    private readonly catalogue: CoursesService,
    private readonly recommendations: RecommendationsService,
    @InjectFeatureTransactions(COURSE_FEATURE) private readonly transactions: FeatureTransactions,
  ) {}

  /** Creates or replaces the caller's review; `created` tells the first review from an edit. */
  async putMine(
    idOrSlug: string,
    caller: AuthenticatedUser,
    input: ReviewInput,
  ): Promise<{ review: PublicReview; created: boolean }> {
    const course = await this.catalogue.getVisible(idOrSlug, caller);
    const comment = input.comment?.trim() ? input.comment.trim() : null;
    const write = await this.transactions.withTransaction(async () => {
      if (!(await this.enrolments.isEnrolled(caller.id, course.id))) {
        throw new ForbiddenError('Enrol in this course to review it');
      }
      const result = await this.reviews.upsert(course.id, caller.id, input.rating, comment);
      await this.courses.adjustRating(course.id, result);
      return result;
    });
    this.recommendations.rated(caller.id, course.id, input.rating);
    return { review: write.review, created: write.created };
  }

  /** Deletes the caller's review (enrolled or not any more); 404 when there is none. */
  async deleteMine(idOrSlug: string, caller: AuthenticatedUser): Promise<void> {
    const course = await this.catalogue.getVisible(idOrSlug, caller);
    const removed = await this.transactions.withTransaction(async () => {
      const change = await this.reviews.remove(course.id, caller.id);
      if (change) await this.courses.adjustRating(course.id, change);
      return change;
    });
    if (!removed) throw new NotFoundError('You have not reviewed this course');
    this.recommendations.unrated(caller.id, course.id);
  }

  /** A newest-first page of the course's reviews, for anyone who may see the course. */
  async list(
    idOrSlug: string,
    caller: AuthenticatedUser | undefined,
    limit: number,
    cursor?: string,
  ): Promise<Page<PublicReview>> {
    const course = await this.catalogue.getVisible(idOrSlug, caller);
    return this.reviews.page(course.id, limit, cursor);
  }
}

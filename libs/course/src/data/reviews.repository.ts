import {
  decodeCursor,
  FeatureTransactions,
  InjectFeatureTransactions,
  type Page,
  pageOf,
} from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { COURSE_FEATURE } from '../course.constants';

/** The name shown for a review whose author's account was erased. */
export const FORMER_LEARNER = 'Former learner';
/** The name shown when the author's display name is not known (yet). */
export const UNKNOWN_LEARNER = 'Learner';

/** A review as the public list shows it. */
export interface PublicReview {
  id: string;
  courseId: string;
  rating: number;
  comment: string | null;
  authorName: string;
  /** False once the author's account was erased. */
  authorKnown: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** A review as its author's data export lists it. */
export interface AuthoredReview {
  id: string;
  courseId: string;
  courseTitle: string;
  rating: number;
  comment: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a review write did to the course's rating: add `sumDelta` to the sum, `countDelta` to the count. */
export interface RatingChange {
  sumDelta: number;
  countDelta: number;
}

/** The outcome of {@link ReviewsRepository.upsert}. */
export interface ReviewWrite extends RatingChange {
  created: boolean;
  review: PublicReview;
}

/** Newest-first keyset order of a course's reviews. */
export const REVIEW_SORT = 'newest';

interface ReviewRow {
  id: string;
  course_id: string;
  author_id: string | null;
  rating: number;
  comment: string | null;
  created_at: Date;
  updated_at: Date;
  sort_key?: string;
  /** The author's display name from the user projection (`course_user_profiles`), when known. */
  author_name?: string | null;
}

const REVIEW_COLUMNS = 'r.id, r.course_id, r.author_id, r.rating, r.comment, r.created_at, r.updated_at';

/** The review columns with the author's display name (user projection, learnt from user events). */
const NAMED_REVIEWS = `SELECT ${REVIEW_COLUMNS}, p.display_name AS author_name, r.created_at::text AS sort_key
  FROM course_reviews r LEFT JOIN course_user_profiles p ON p.user_id = r.author_id`;

function reviewFromRow(row: ReviewRow): PublicReview {
  return {
    id: row.id,
    courseId: row.course_id,
    rating: row.rating,
    comment: row.comment,
    authorName: row.author_id === null ? FORMER_LEARNER : row.author_name || UNKNOWN_LEARNER,
    authorKnown: row.author_id !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Every query of `course_reviews`. The rating aggregates on `courses` are changed by the courses
 * repository (`adjustRating`) in the same transaction, from the {@link RatingChange} returned here.
 */
@Injectable()
export class ReviewsRepository {
  constructor(
    @InjectFeatureTransactions(COURSE_FEATURE) private readonly transactions: FeatureTransactions,
  ) {}

  /**
   * Creates or replaces the author's review of the course; call inside a transaction. The author's
   * existing row is locked before it is changed, so two writes of the same author are applied one
   * after the other and the returned deltas are exact.
   */
  async upsert(
    courseId: string,
    authorId: string,
    rating: number,
    comment: string | null,
  ): Promise<ReviewWrite> {
    const { tx } = this.transactions;
    for (;;) {
      const inserted = await tx.query<ReviewRow[]>(
        `INSERT INTO course_reviews AS r (course_id, author_id, rating, comment) VALUES ($1, $2, $3, $4)
         ON CONFLICT (course_id, author_id) DO NOTHING RETURNING ${REVIEW_COLUMNS}`,
        [courseId, authorId, rating, comment],
      );
      if (inserted.length > 0) {
        return { created: true, sumDelta: rating, countDelta: 1, review: await this.named(inserted[0]) };
      }
      const [previous] = await tx.query<{ rating: number }[]>(
        `SELECT rating FROM course_reviews WHERE course_id = $1 AND author_id = $2 FOR UPDATE`,
        [courseId, authorId],
      );
      // Deleted between the two statements: insert again.
      if (!previous) continue;
      const [updated] = await tx.query<[ReviewRow[], number]>(
        `UPDATE course_reviews r SET rating = $3, comment = $4, updated_at = now()
         WHERE course_id = $1 AND author_id = $2 RETURNING ${REVIEW_COLUMNS}`,
        [courseId, authorId, rating, comment],
      );
      return {
        created: false,
        sumDelta: rating - previous.rating,
        countDelta: 0,
        review: await this.named(updated[0]),
      };
    }
  }

  /** Deletes the author's review of the course; the rating change, or null when there was none. */
  async remove(courseId: string, authorId: string): Promise<RatingChange | null> {
    const [rows] = await this.transactions.tx.query<[{ rating: number }[], number]>(
      `DELETE FROM course_reviews WHERE course_id = $1 AND author_id = $2 RETURNING rating`,
      [courseId, authorId],
    );
    const removed = rows[0];
    return removed ? { sumDelta: -removed.rating, countDelta: -1 } : null;
  }

  /** A written row with its author's display name. */
  private async named(row: ReviewRow): Promise<PublicReview> {
    if (row.author_id === null) return reviewFromRow(row);
    const [name] = await this.transactions.tx.query<{ display_name: string }[]>(
      `SELECT display_name FROM course_user_profiles WHERE user_id = $1`,
      [row.author_id],
    );
    return reviewFromRow({ ...row, author_name: name?.display_name ?? null });
  }

  /** The author's review of the course, if any. */
  async findMine(courseId: string, authorId: string): Promise<PublicReview | null> {
    const rows = await this.transactions.tx.query<ReviewRow[]>(
      `${NAMED_REVIEWS} WHERE r.course_id = $1 AND r.author_id = $2`,
      [courseId, authorId],
    );
    return rows.length > 0 ? reviewFromRow(rows[0]) : null;
  }

  /** A keyset page of the course's reviews, newest first (created_at, then id). */
  async page(courseId: string, limit: number, cursor?: string): Promise<Page<PublicReview>> {
    const after = cursor ? decodeCursor(cursor, REVIEW_SORT, 'timestamp') : undefined;
    const values: unknown[] = [courseId, limit + 1];
    let keyset = 'true';
    if (after) {
      values.push(after.key, after.id);
      keyset = '(r.created_at, r.id) < (CAST($3 AS timestamptz), CAST($4 AS uuid))';
    }
    const rows = await this.transactions.tx.query<ReviewRow[]>(
      `${NAMED_REVIEWS}
       WHERE r.course_id = $1 AND ${keyset}
       ORDER BY r.created_at DESC, r.id DESC LIMIT $2`,
      values,
    );
    return pageOf(
      rows,
      limit,
      (last) => ({ sort: REVIEW_SORT, key: last.sort_key!, id: last.id }),
      reviewFromRow,
    );
  }

  /**
   * Erasure of a user: their reviews stay (and keep counting in the courses' ratings) but no longer
   * name them; they show as a former learner's. Returns how many reviews were anonymised.
   */
  async anonymiseAuthor(userId: string): Promise<number> {
    const [, affected] = await this.transactions.tx.query<[unknown[], number]>(
      `UPDATE course_reviews SET author_id = NULL WHERE author_id = $1`,
      [userId],
    );
    return affected;
  }

  /** Every review the user wrote, newest first, with the course's title (for their data export). */
  listByAuthor(userId: string): Promise<AuthoredReview[]> {
    return this.transactions.tx.query<AuthoredReview[]>(
      `SELECT r.id, r.course_id AS "courseId", c.title AS "courseTitle", r.rating, r.comment,
              r.created_at AS "createdAt", r.updated_at AS "updatedAt"
         FROM course_reviews r JOIN courses c ON c.id = r.course_id
        WHERE r.author_id = $1 ORDER BY r.created_at DESC, r.id DESC`,
      [userId],
    );
  }
}

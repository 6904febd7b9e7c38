import { FeatureTransactions, InjectFeatureTransactions } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { COURSE_FEATURE } from '../course.constants';

/** One enrolment as its learner's data export lists it. */
export interface UserEnrolment {
  orderId: string;
  courseId: string;
  courseTitle: string;
  enrolledAt: Date;
  cancelledAt: Date | null;
}

/**
 * Every query of `course_enrolments`, one row per order. Order events can arrive in any order, so
 * the statements are written to make a confirmation and a cancellation of the same order commute.
 */
@Injectable()
export class EnrolmentsRepository {
  constructor(
    @InjectFeatureTransactions(COURSE_FEATURE) private readonly transactions: FeatureTransactions,
  ) {}

  /**
   * Records the order's enrolment. False when the order already has a row (a repeat, or a
   * cancellation that overtook its confirmation, which must stay cancelled) or the course is unknown.
   */
  async enrol(orderId: string, userId: string, courseId: string): Promise<boolean> {
    const inserted = await this.transactions.tx.query<unknown[]>(
      `INSERT INTO course_enrolments (order_id, user_id, course_id)
       SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM courses WHERE id = $3)
       ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
      [orderId, userId, courseId],
    );
    return inserted.length > 0;
  }

  /**
   * Marks the order's enrolment cancelled. True when that ended an active enrolment; otherwise it
   * leaves a cancelled row (so a later confirmation is a no-op) or changes nothing.
   *
   * One statement, so a confirmation handled at the same moment (another replica) cannot slip
   * between a check and a write. `xmax = 0` tells an insert from an update.
   */
  async cancel(orderId: string, userId: string, courseId: string): Promise<boolean> {
    const [row] = await this.transactions.tx.query<{ inserted: boolean }[]>(
      `INSERT INTO course_enrolments (order_id, user_id, course_id, cancelled_at)
       SELECT $1, $2, $3, now() WHERE EXISTS (SELECT 1 FROM courses WHERE id = $3)
       ON CONFLICT (order_id) DO UPDATE SET cancelled_at = now()
         WHERE course_enrolments.cancelled_at IS NULL
       RETURNING (xmax = 0) AS inserted`,
      [orderId, userId, courseId],
    );
    return row !== undefined && !row.inserted;
  }

  /** Whether the user still holds an active enrolment of the course (through any order). */
  async isEnrolled(userId: string, courseId: string): Promise<boolean> {
    const rows = await this.transactions.tx.query<unknown[]>(
      `SELECT 1 FROM course_enrolments WHERE user_id = $1 AND course_id = $2 AND cancelled_at IS NULL LIMIT 1`,
      [userId, courseId],
    );
    return rows.length > 0;
  }

  /** The courses the user is actively enrolled in. */
  async activeCourseIdsOf(userId: string): Promise<string[]> {
    const rows = await this.transactions.tx.query<{ courseId: string }[]>(
      `SELECT DISTINCT course_id AS "courseId" FROM course_enrolments WHERE user_id = $1 AND cancelled_at IS NULL`,
      [userId],
    );
    return rows.map((row) => row.courseId);
  }

  /** Every active (user, course) pair, each once. */
  findAllActive(): Promise<{ userId: string; courseId: string }[]> {
    return this.transactions.tx.query<{ userId: string; courseId: string }[]>(
      `SELECT DISTINCT user_id AS "userId", course_id AS "courseId"
         FROM course_enrolments WHERE cancelled_at IS NULL`,
    );
  }

  /** Every enrolment of the user, cancelled ones too, newest first (their data export). */
  listForUser(userId: string): Promise<UserEnrolment[]> {
    return this.transactions.tx.query(
      `SELECT e.order_id AS "orderId", e.course_id AS "courseId", c.title AS "courseTitle",
              e.enrolled_at AS "enrolledAt", e.cancelled_at AS "cancelledAt"
         FROM course_enrolments e JOIN courses c ON c.id = e.course_id
        WHERE e.user_id = $1 ORDER BY e.enrolled_at DESC, e.order_id`,
      [userId],
    );
  }
}

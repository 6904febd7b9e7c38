import { FeatureTransactions, InjectFeatureTransactions } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { COURSE_FEATURE } from '../course.constants';

/** One of a learner's courses as `GET /me/courses` lists it (progress is added by the service). */
export interface EnrolledCourseRow {
  courseId: string;
  slug: string;
  title: string;
  /** The first active enrolment. */
  enrolledAt: Date;
  /** The last completion or undo, null before any. */
  lastActivityAt: Date | null;
  /** The sort key as exact text: the later of the latest enrolment and the last activity. */
  activityKey: string;
}

/** Where a page of `GET /me/courses` continues: after this activity (and course id, for ties). */
export interface ActivityKeyset {
  activity: string;
  courseId: string;
}

/** A learner's progress in one course, for their data export. */
export interface ProgressExportRow {
  courseId: string;
  courseTitle: string;
  lastActivityAt: Date;
  completedLessons: { lessonId: string; completedAt: Date }[];
}

/**
 * Every query of `course_lesson_completions` and `course_learner_progress`, and the learner's
 * course list (their active enrolments joined with their activity).
 */
@Injectable()
export class ProgressRepository {
  constructor(
    @InjectFeatureTransactions(COURSE_FEATURE) private readonly transactions: FeatureTransactions,
  ) {}

  /**
   * Records activity of the learner in the course now, and holds the row lock until the
   * transaction ends: every change of one learner's progress in one course calls this first, so
   * those changes run one after the other (the last of two concurrent completions sees the other).
   */
  async touch(userId: string, courseId: string): Promise<void> {
    await this.transactions.tx.query(
      `INSERT INTO course_learner_progress (user_id, course_id, last_activity_at) VALUES ($1, $2, clock_timestamp())
       ON CONFLICT (user_id, course_id) DO UPDATE SET last_activity_at = clock_timestamp()`,
      [userId, courseId],
    );
  }

  /** Marks the lesson completed; false when it already was. */
  async addCompletion(userId: string, courseId: string, lessonId: string): Promise<boolean> {
    const rows = await this.transactions.tx.query<unknown[]>(
      `INSERT INTO course_lesson_completions (user_id, course_id, lesson_id) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, lesson_id) DO NOTHING RETURNING lesson_id`,
      [userId, courseId, lessonId],
    );
    return rows.length > 0;
  }

  /** Undoes the lesson's completion; false when it was not completed. */
  async removeCompletion(userId: string, lessonId: string): Promise<boolean> {
    const [, affected] = await this.transactions.tx.query<[unknown[], number]>(
      `DELETE FROM course_lesson_completions WHERE user_id = $1 AND lesson_id = $2`,
      [userId, lessonId],
    );
    return affected > 0;
  }

  /** The lessons of the course the learner completed. */
  async completedLessonIds(userId: string, courseId: string): Promise<Set<string>> {
    const rows = await this.transactions.tx.query<{ lessonId: string }[]>(
      `SELECT lesson_id AS "lessonId" FROM course_lesson_completions WHERE user_id = $1 AND course_id = $2`,
      [userId, courseId],
    );
    return new Set(rows.map((row) => row.lessonId));
  }

  /** When the learner last completed or undid a lesson of the course; null before any. */
  async lastActivityAt(userId: string, courseId: string): Promise<Date | null> {
    const [row] = await this.transactions.tx.query<{ at: Date }[]>(
      `SELECT last_activity_at AS "at" FROM course_learner_progress WHERE user_id = $1 AND course_id = $2`,
      [userId, courseId],
    );
    return row?.at ?? null;
  }

  /**
   * The courses the learner is actively enrolled in, most recent activity first (enrolling counts
   * as activity), then by course id: up to `take` rows after `keyset`.
   */
  listEnrolledCourses(
    userId: string,
    keyset: ActivityKeyset | undefined,
    take: number,
  ): Promise<EnrolledCourseRow[]> {
    return this.transactions.tx.query<EnrolledCourseRow[]>(
      `WITH mine AS (
         SELECT course_id, min(enrolled_at) AS first_enrolled_at, max(enrolled_at) AS last_enrolled_at
           FROM course_enrolments WHERE user_id = $1 AND cancelled_at IS NULL GROUP BY course_id
       ), ranked AS (
         SELECT m.course_id, m.first_enrolled_at, p.last_activity_at,
                GREATEST(m.last_enrolled_at, p.last_activity_at) AS activity
           FROM mine m
           LEFT JOIN course_learner_progress p ON p.user_id = $1 AND p.course_id = m.course_id
       )
       SELECT r.course_id AS "courseId", c.slug, c.title, r.first_enrolled_at AS "enrolledAt",
              r.last_activity_at AS "lastActivityAt",
              to_char(r.activity AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "activityKey"
         FROM ranked r JOIN courses c ON c.id = r.course_id
        WHERE $2::timestamptz IS NULL OR r.activity < $2::timestamptz
           OR (r.activity = $2::timestamptz AND r.course_id > $3::uuid)
        ORDER BY r.activity DESC, r.course_id ASC
        LIMIT $4`,
      [userId, keyset?.activity ?? null, keyset?.courseId ?? null, take],
    );
  }

  /** Everything the learner's progress holds, per course (their data export). */
  async listForUser(userId: string): Promise<ProgressExportRow[]> {
    const courses = await this.transactions.tx.query<Omit<ProgressExportRow, 'completedLessons'>[]>(
      `SELECT p.course_id AS "courseId", c.title AS "courseTitle", p.last_activity_at AS "lastActivityAt"
         FROM course_learner_progress p JOIN courses c ON c.id = p.course_id
        WHERE p.user_id = $1 ORDER BY p.last_activity_at DESC, p.course_id`,
      [userId],
    );
    const completions = await this.transactions.tx.query<
      { courseId: string; lessonId: string; completedAt: Date }[]
    >(
      `SELECT course_id AS "courseId", lesson_id AS "lessonId", completed_at AS "completedAt"
         FROM course_lesson_completions WHERE user_id = $1 ORDER BY completed_at, lesson_id`,
      [userId],
    );
    return courses.map((course) => ({
      ...course,
      completedLessons: completions
        .filter((completion) => completion.courseId === course.courseId)
        .map(({ lessonId, completedAt }) => ({ lessonId, completedAt })),
    }));
  }

  /** Erasure: deletes the learner's completions and activity. Returns how many completions there were. */
  async deleteForUser(userId: string): Promise<number> {
    const [, completions] = await this.transactions.tx.query<[unknown[], number]>(
      `DELETE FROM course_lesson_completions WHERE user_id = $1`,
      [userId],
    );
    await this.transactions.tx.query(`DELETE FROM course_learner_progress WHERE user_id = $1`, [userId]);
    return completions;
  }
}

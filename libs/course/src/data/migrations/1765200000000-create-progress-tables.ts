import { sqlMigration } from '@coursehub/core';

/**
 * Issue 15: learning progress and certificates, and the display names they show.
 *
 * - `course_user_profiles`: the course service's projection of users (id and display name only),
 *   fed by `user.registered` / `user.updated` and removed by `user.deleted`. `updated_at` is the
 *   `occurredAt` of the event it came from, so an older event never overwrites a newer one.
 * - `course_erased_users`: the ids of erased accounts (an id and a date, nothing personal), so
 *   that an account event handled after `user.deleted` (another topic) cannot bring a name back,
 *   and a still-valid access token of the deleted account records no new progress.
 * - `course_lesson_completions`: one row per learner and completed lesson; a deleted lesson takes
 *   its completions with it (ON DELETE CASCADE).
 * - `course_learner_progress`: one row per learner and course with the last activity. Completing
 *   or undoing a lesson first upserts this row, which serialises a learner's completions of one
 *   course, so "was that the last lesson?" is decided by one transaction at a time.
 * - `course_certificates`: at most one per learner and course (`course_certificates_one_per_learner`).
 *   Erasure keeps the row and drops the learner (user_id and learner_name become NULL).
 */
export const CreateProgressTables1765200000000 = sqlMigration('CreateProgressTables1765200000000', {
  up: [
    `
      CREATE TABLE course_user_profiles (
        user_id uuid PRIMARY KEY,
        display_name text NOT NULL,
        updated_at timestamptz NOT NULL
      )`,
    `
      CREATE TABLE course_erased_users (
        user_id uuid PRIMARY KEY,
        erased_at timestamptz NOT NULL DEFAULT now()
      )`,
    `
      CREATE TABLE course_learner_progress (
        user_id uuid NOT NULL,
        course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
        last_activity_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, course_id)
      )`,
    `
      CREATE TABLE course_lesson_completions (
        user_id uuid NOT NULL,
        course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
        lesson_id uuid NOT NULL REFERENCES course_lessons (id) ON DELETE CASCADE,
        completed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, lesson_id)
      )`,
    `CREATE INDEX course_lesson_completions_learner_course ON course_lesson_completions (user_id, course_id)`,
    `CREATE INDEX course_lesson_completions_lesson ON course_lesson_completions (lesson_id)`,
    `
      CREATE TABLE course_certificates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        course_id uuid NOT NULL REFERENCES courses (id),
        user_id uuid,
        course_title text NOT NULL,
        learner_name text,
        completed_at timestamptz NOT NULL DEFAULT now()
      )`,
    // One certificate per learner and course; erased learners' certificates (NULL) never collide.
    `CREATE UNIQUE INDEX course_certificates_one_per_learner ON course_certificates (course_id, user_id)`,
    `CREATE INDEX course_certificates_user ON course_certificates (user_id) WHERE user_id IS NOT NULL`,
  ],
  down: [
    'DROP TABLE course_certificates',
    'DROP TABLE course_lesson_completions',
    'DROP TABLE course_learner_progress',
    'DROP TABLE course_erased_users',
    'DROP TABLE course_user_profiles',
  ],
});

import { sqlMigration } from '@coursehub/core';

/**
 * Issue 15: a course's curriculum, sections of lessons. Positions are dense per course (sections)
 * and per section (lessons); every edit locks the course row and renumbers, and the unique
 * constraints are checked at commit (DEFERRABLE INITIALLY DEFERRED) so a renumbering may pass
 * through intermediate duplicates.
 */
export const CreateCurriculumTables1765100000000 = sqlMigration('CreateCurriculumTables1765100000000', {
  up: [
    `
      CREATE TABLE course_sections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
        title text NOT NULL,
        position integer NOT NULL CHECK (position >= 1),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT course_sections_position_unique UNIQUE (course_id, position) DEFERRABLE INITIALLY DEFERRED,
        -- lets course_lessons reference (section_id, course_id): a lesson's course is its section's
        CONSTRAINT course_sections_id_course UNIQUE (id, course_id)
      )`,
    `
      CREATE TABLE course_lessons (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        course_id uuid NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
        section_id uuid NOT NULL,
        title text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('article', 'video')),
        body text NOT NULL DEFAULT '',
        html text NOT NULL DEFAULT '',
        video_url text CHECK (video_url IS NULL OR video_url LIKE 'https://%'),
        duration_seconds integer NOT NULL DEFAULT 0 CHECK (duration_seconds >= 0),
        preview boolean NOT NULL DEFAULT false,
        position integer NOT NULL CHECK (position >= 1),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT course_lessons_section FOREIGN KEY (section_id, course_id)
          REFERENCES course_sections (id, course_id),
        CONSTRAINT course_lessons_position_unique UNIQUE (section_id, position) DEFERRABLE INITIALLY DEFERRED
      )`,
    `CREATE INDEX course_lessons_course ON course_lessons (course_id)`,
  ],
  down: ['DROP TABLE course_lessons', 'DROP TABLE course_sections'],
});

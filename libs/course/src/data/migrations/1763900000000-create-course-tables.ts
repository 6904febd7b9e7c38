import { sqlMigration } from '@coursehub/core';

export const CreateCourseTables1763900000000 = sqlMigration('CreateCourseTables1763900000000', {
  up: [
    // array_to_string is only STABLE, and a generated column needs an IMMUTABLE expression;
    // joining text[] with a space is immutable in fact, so a wrapper declares it.
    `
      CREATE FUNCTION course_tags_text(tags text[]) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT array_to_string(tags, ' ') $$`,
    `
      CREATE TABLE courses (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title text NOT NULL,
        slug text NOT NULL,
        summary text NOT NULL DEFAULT '',
        description text NOT NULL DEFAULT '',
        tags text[] NOT NULL DEFAULT '{}',
        category text NOT NULL,
        level text NOT NULL CHECK (level IN ('beginner', 'intermediate', 'advanced')),
        language text NOT NULL,
        price bigint NOT NULL CHECK (price >= 0),
        currency char(3) NOT NULL,
        instructor_id uuid NOT NULL,
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
        enrolment_count integer NOT NULL DEFAULT 0 CHECK (enrolment_count >= 0),
        published_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        search_vector tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('english', title), 'A') ||
          setweight(to_tsvector('english', course_tags_text(tags)), 'B') ||
          setweight(to_tsvector('english', summary), 'C')
        ) STORED
      )`,
    `CREATE UNIQUE INDEX courses_slug_unique ON courses (slug)`,
    `CREATE INDEX courses_search ON courses USING gin (search_vector)`,
    `CREATE INDEX courses_tags ON courses USING gin (tags)`,
    // Keyset pagination orders (the sort key, then id as the tie-breaker).
    `CREATE INDEX courses_newest ON courses (created_at, id)`,
    `CREATE INDEX courses_popular ON courses (enrolment_count, id)`,
    `CREATE INDEX courses_price ON courses (price, id)`,
    `CREATE INDEX courses_instructor ON courses (instructor_id)`,
    `CREATE INDEX courses_category ON courses (category, level, language)`,
    `
      CREATE TABLE course_enrolments (
        order_id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        course_id uuid NOT NULL REFERENCES courses (id),
        enrolled_at timestamptz NOT NULL DEFAULT now(),
        cancelled_at timestamptz
      )`,
    `CREATE INDEX course_enrolments_user ON course_enrolments (user_id)`,
    `CREATE INDEX course_enrolments_course ON course_enrolments (course_id)`,
  ],
  down: ['DROP TABLE course_enrolments', 'DROP TABLE courses', 'DROP FUNCTION course_tags_text(text[])'],
});

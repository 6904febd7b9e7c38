import { sqlMigration } from '@coursehub/core';

/**
 * Issue 14: search that treats C++, C#, .NET and Node.js as terms and finds categories, typo
 * tolerance over titles and tags (pg_trgm, where the server has it), and a row version for ETags.
 */
export const CatalogueSearchAndVersions1764400000000 = sqlMigration(
  'CatalogueSearchAndVersions1764400000000',
  {
    up: [
      /*
       * The english parser reads "C++" and "C#" as the letter c and "Node.js" as a file name, so
       * "c++" matched every course with a word starting with c. Technology names are rewritten into
       * plain words before parsing, here and for the search text (searchTermsOf in search-text.ts
       * does the same in TypeScript; a test checks that the two agree).
       */
      `
      CREATE FUNCTION course_search_terms(input text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT regexp_replace(regexp_replace(regexp_replace(regexp_replace(lower(input),
        '([a-z0-9])\\+\\+', '\\1plusplus', 'g'),
        '([a-z])#', '\\1sharp', 'g'),
        '\\.net($|[^a-z0-9])', ' dotnet\\1', 'g'),
        '([a-z0-9])\\.js($|[^a-z0-9])', '\\1js\\2', 'g') $$`,
      'ALTER TABLE courses DROP COLUMN search_vector',
      // The category is searched as a tag is ("design" finds the design category).
      `
      ALTER TABLE courses ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', course_search_terms(title)), 'A') ||
        setweight(to_tsvector('english', course_search_terms(course_tags_text(tags) || ' ' || category)), 'B') ||
        setweight(to_tsvector('english', course_search_terms(summary)), 'C')
      ) STORED`,
      'CREATE INDEX courses_search ON courses USING gin (search_vector)',

      // Typo tolerance needs pg_trgm (PostgreSQL contrib). Without it search still works, exactly.
      `
      DO $$ BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
      EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm is not available (%): search runs without typo tolerance', SQLERRM;
      END $$`,
      // Built-ins only in the body: index builds run with search_path = pg_catalog on PostgreSQL 17
      // (PGlite), where the feature's own functions are not found. array_to_string is declared
      // STABLE but is immutable in fact, as for course_tags_text.
      `
      CREATE FUNCTION course_fuzzy_text(title text, tags text[]) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT lower(title || ' ' || array_to_string(tags, ' ')) $$`,
      `
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
          CREATE INDEX courses_fuzzy ON courses USING gin (course_fuzzy_text(title, tags) gin_trgm_ops);
        END IF;
      END $$`,

      'ALTER TABLE courses ADD COLUMN version integer NOT NULL DEFAULT 1',
      `
      CREATE FUNCTION courses_next_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.version := OLD.version + 1;
        RETURN NEW;
      END $$`,
      `
      CREATE TRIGGER courses_version BEFORE UPDATE ON courses
      FOR EACH ROW EXECUTE FUNCTION courses_next_version()`,
    ],
    down: [
      'DROP TRIGGER courses_version ON courses',
      'DROP FUNCTION courses_next_version()',
      'ALTER TABLE courses DROP COLUMN version',
      'DROP INDEX IF EXISTS courses_fuzzy',
      'DROP FUNCTION course_fuzzy_text(text, text[])',
      'ALTER TABLE courses DROP COLUMN search_vector',
      `
      ALTER TABLE courses ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A') ||
        setweight(to_tsvector('english', course_tags_text(tags)), 'B') ||
        setweight(to_tsvector('english', summary), 'C')
      ) STORED`,
      'CREATE INDEX courses_search ON courses USING gin (search_vector)',
      'DROP FUNCTION course_search_terms(text)',
    ],
  },
);

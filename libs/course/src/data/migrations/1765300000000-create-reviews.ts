import { sqlMigration } from '@coursehub/core';

/**
 * Issue 15: reviews and ratings. One review per learner and course (`author_id` becomes NULL when
 * the learner's account is erased: the review stays, as a "Former learner"'s, and so do the
 * course's aggregates). Each course carries the sum and the count of its ratings, changed by the
 * same transaction as the review (`rating_sum = rating_sum + delta`, so concurrent reviews add up
 * exactly); the by-id read and its ETag (the row `version`) need no join or aggregate, and the
 * stored average orders `sort=rating` and filters `minRating` over an index.
 */
export const CreateReviews1765300000000 = sqlMigration('CreateReviews1765300000000', {
  up: [
    `
      CREATE TABLE course_reviews (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        course_id uuid NOT NULL REFERENCES courses (id),
        author_id uuid,
        rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
        comment text CHECK (char_length(comment) <= 2000),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
    // One review per learner and course; anonymised reviews (NULL author) never collide.
    `CREATE UNIQUE INDEX course_reviews_one_per_author ON course_reviews (course_id, author_id)`,
    // Newest-first keyset pages of a course's reviews.
    `CREATE INDEX course_reviews_newest ON course_reviews (course_id, created_at, id)`,
    `CREATE INDEX course_reviews_author ON course_reviews (author_id) WHERE author_id IS NOT NULL`,
    `
      ALTER TABLE courses
        ADD COLUMN rating_sum bigint NOT NULL DEFAULT 0 CHECK (rating_sum >= 0),
        ADD COLUMN rating_count integer NOT NULL DEFAULT 0 CHECK (rating_count >= 0)`,
    `
      ALTER TABLE courses ADD COLUMN rating_average float8 GENERATED ALWAYS AS (
        CASE WHEN rating_count > 0 THEN rating_sum::float8 / rating_count ELSE 0 END
      ) STORED`,
    `CREATE INDEX courses_rating ON courses (rating_average, id)`,
  ],
  down: [
    'DROP INDEX courses_rating',
    'ALTER TABLE courses DROP COLUMN rating_average',
    'ALTER TABLE courses DROP COLUMN rating_count, DROP COLUMN rating_sum',
    'DROP TABLE course_reviews',
  ],
});

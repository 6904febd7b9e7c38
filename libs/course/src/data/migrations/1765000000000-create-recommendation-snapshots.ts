import { sqlMigration } from '@coursehub/core';

/**
 * Issue 14: the recommendation model is persisted, so that a restarted course service serves the
 * last model at once while the next one is built. A snapshot is three values (JSON text and two
 * number columns, see recommendations/model-snapshot.ts) stored in parts of at most a few MiB:
 * a 100 000-course model is hundreds of MiB, more than one bytea parameter should carry.
 */
export const CreateRecommendationSnapshots1765000000000 = sqlMigration(
  'CreateRecommendationSnapshots1765000000000',
  {
    up: [
      `
      CREATE TABLE course_recommendation_snapshots (
        id bigserial PRIMARY KEY,
        format integer NOT NULL,
        built_at timestamptz NOT NULL,
        saved_at timestamptz NOT NULL DEFAULT now(),
        courses integer NOT NULL,
        enrolments integer NOT NULL,
        bytes bigint NOT NULL
      )`,
      `CREATE INDEX course_recommendation_snapshots_latest ON course_recommendation_snapshots (format, built_at)`,
      `
      CREATE TABLE course_recommendation_snapshot_parts (
        snapshot_id bigint NOT NULL REFERENCES course_recommendation_snapshots (id) ON DELETE CASCADE,
        part text NOT NULL CHECK (part IN ('text', 'integers', 'floats')),
        seq integer NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (snapshot_id, part, seq)
      )`,
    ],
    down: ['DROP TABLE course_recommendation_snapshot_parts', 'DROP TABLE course_recommendation_snapshots'],
  },
);

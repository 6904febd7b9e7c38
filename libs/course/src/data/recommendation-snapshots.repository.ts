import { FeatureTransactions, InjectFeatureTransactions } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { COURSE_FEATURE } from '../course.constants';
import {
  type CourseFeatures,
  type LearnerSignalRow,
  type ModelSnapshot,
  SNAPSHOT_VERSION,
} from '../recommendations';

/** A persisted model and when it was built. */
export interface StoredSnapshot {
  readonly snapshot: ModelSnapshot;
  readonly builtAt: Date;
}

export interface SnapshotInfo {
  readonly builtAt: Date;
  readonly courses: number;
  readonly enrolments: number;
}

/** Bytes per stored part: big enough for few rows, small enough for one comfortable parameter. */
const PART_BYTES = 8 * 2 ** 20;

type PartName = 'text' | 'integers' | 'floats';

/**
 * Every query of the recommender's own tables (the persisted model) and the projection of the
 * catalogue it is built from. The projection reads `courses` directly, without the entity: a build
 * reads every course, and hydrating 100 000 entities would hold up the event loop for seconds.
 */
@Injectable()
export class RecommendationSnapshotsRepository {
  constructor(
    @InjectFeatureTransactions(COURSE_FEATURE) private readonly transactions: FeatureTransactions,
  ) {}

  /** Every course as the recommender sees it, with the catalogue's enrolment counter. */
  async courseFeatures(): Promise<CourseFeatures[]> {
    const rows = await this.transactions.tx.query<CourseFeatures[]>(
      `SELECT id, title, summary, description, tags, category, status, enrolment_count AS "enrolmentCount"
         FROM courses`,
    );
    return rows;
  }

  /**
   * What learners told about their courses beyond enrolling, for their taste profiles: every
   * rating (reviews) and every completion (certificates), one row per learner and course.
   */
  learnerSignals(): Promise<LearnerSignalRow[]> {
    return this.transactions.tx.query<LearnerSignalRow[]>(
      `SELECT COALESCE(r.author_id, k.user_id) AS "userId", COALESCE(r.course_id, k.course_id) AS "courseId",
              r.rating, (k.user_id IS NOT NULL) AS completed
         FROM (SELECT author_id, course_id, rating FROM course_reviews WHERE author_id IS NOT NULL) r
         FULL JOIN (SELECT user_id, course_id FROM course_certificates WHERE user_id IS NOT NULL) k
           ON k.user_id = r.author_id AND k.course_id = r.course_id`,
    );
  }

  /** Stores a model and drops the snapshots built before it (another replica's newer one stays). */
  async save(snapshot: ModelSnapshot, info: SnapshotInfo): Promise<void> {
    const parts: [PartName, Uint8Array][] = [
      ['text', Buffer.from(snapshot.text, 'utf8')],
      ['integers', bytesOf(snapshot.integers)],
      ['floats', bytesOf(snapshot.floats)],
    ];
    const bytes = parts.reduce((sum, [, data]) => sum + data.byteLength, 0);
    await this.transactions.withTransaction(async () => {
      const { tx } = this.transactions;
      const [row] = await tx.query<{ id: string }[]>(
        `INSERT INTO course_recommendation_snapshots (format, built_at, courses, enrolments, bytes)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [SNAPSHOT_VERSION, info.builtAt, info.courses, info.enrolments, bytes],
      );
      for (const [part, data] of parts) {
        for (let seq = 0, offset = 0; offset < data.byteLength || seq === 0; seq++, offset += PART_BYTES) {
          const chunk = data.subarray(offset, offset + PART_BYTES);
          await tx.query(
            `INSERT INTO course_recommendation_snapshot_parts (snapshot_id, part, seq, data) VALUES ($1, $2, $3, $4)`,
            [row.id, part, seq, Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)],
          );
        }
      }
      await tx.query(`DELETE FROM course_recommendation_snapshots WHERE id <> $1 AND built_at <= $2`, [
        row.id,
        info.builtAt,
      ]);
    });
  }

  /** The most recently built snapshot of the current format, read in one statement. */
  async latest(): Promise<StoredSnapshot | undefined> {
    const rows = await this.transactions.tx.query<{ builtAt: Date; part: PartName; data: Buffer }[]>(
      `SELECT s.built_at AS "builtAt", p.part, p.data
         FROM course_recommendation_snapshots s
         JOIN course_recommendation_snapshot_parts p ON p.snapshot_id = s.id
        WHERE s.id = (SELECT id FROM course_recommendation_snapshots WHERE format = $1
                       ORDER BY built_at DESC, id DESC LIMIT 1)
        ORDER BY p.part, p.seq`,
      [SNAPSHOT_VERSION],
    );
    if (rows.length === 0) return undefined;
    const joined = (part: PartName) => {
      const chunks = rows.filter((row) => row.part === part).map((row) => row.data);
      // A fresh, zero-offset buffer: typed arrays over it need their element alignment.
      const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
      let offset = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.byteLength;
      }
      return bytes;
    };
    return {
      builtAt: rows[0].builtAt,
      snapshot: {
        text: Buffer.from(joined('text')).toString('utf8'),
        // Native byte order, as written: little-endian on every platform the service runs on.
        integers: new Int32Array(joined('integers').buffer),
        floats: new Float64Array(joined('floats').buffer),
      },
    };
  }
}

function bytesOf(array: Int32Array | Float64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

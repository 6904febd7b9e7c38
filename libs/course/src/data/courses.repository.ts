import {
  type AuthenticatedUser,
  ConflictError,
  decodeCursor,
  FeatureTransactions,
  InjectFeatureTransactions,
  onUniqueViolation,
  Page,
  pageOf,
} from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash } from 'node:crypto';
import type { Pool, QueryResultRow } from 'pg';
import { In, type QueryRunner, Repository } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { COURSE_FEATURE } from '../course.constants';
import type { CourseEnv } from '../course.env';
import { CourseEntity } from './course.entity';
import { COURSE_COLUMNS, courseFromRow, type CourseRow } from './course-rows';
import {
  cappedCountStatement,
  COUNT_CAP,
  type CourseSearchCriteria,
  FUZZY_BELOW,
  FUZZY_THRESHOLD,
  listingStatement,
  searchStatement,
  SORT_KEYS,
  type SqlStatement,
} from './course-search';
import { PublicPageCache } from './public-page-cache';
import type { RatingChange } from './reviews.repository';

/** Another course has that slug (unique index `courses_slug_unique`). */
export class SlugTakenError extends ConflictError {
  constructor(slug: string | undefined) {
    super(`Slug "${slug}" is already taken`);
  }
}

export type { CourseSearchCriteria } from './course-search';

export interface CourseSearchPage extends Page<CourseEntity> {
  /** Courses matching the query over all pages, exact up to COUNT_CAP (see totalIsEstimate). */
  total: number;
  /** True when there are more than COUNT_CAP: `total` is then COUNT_CAP, a lower bound. */
  totalIsEstimate: boolean;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every query of the course catalogue; inside `transactions.withTransaction` they join it. */
@Injectable()
export class CoursesRepository {
  private readonly publicPages: PublicPageCache<CourseSearchPage>;
  /** Published courses by id or slug, for anonymous readers: the same rules as the pages. */
  private readonly publicCourses: PublicPageCache<CourseEntity | null>;

  constructor(
    @InjectFeatureTransactions(COURSE_FEATURE) private readonly transactions: FeatureTransactions,
    config: ConfigService<CourseEnv, true>,
  ) {
    const ttlMs = config.get('COURSE_PAGE_CACHE_MS', { infer: true });
    this.publicPages = new PublicPageCache(ttlMs);
    // Room for a 10,000-course catalogue's hot set (a course is ~1–3 KB in memory).
    this.publicCourses = new PublicPageCache(ttlMs, 10_000);
  }

  private get courses(): Repository<CourseEntity> {
    return this.transactions.tx.getRepository(CourseEntity);
  }

  /** By id or slug, whatever its status: the hot read, one prepared statement each. */
  async findByIdOrSlug(idOrSlug: string): Promise<CourseEntity | null> {
    const byId = UUID_PATTERN.test(idOrSlug);
    const rows = await this.rows<CourseRow>(
      {
        text: `SELECT ${COURSE_COLUMNS} FROM courses c WHERE ${byId ? 'c.id' : 'c.slug'} = $1`,
        values: [byId ? idOrSlug.toLowerCase() : idOrSlug],
      },
      byId ? 'course_by_id' : 'course_by_slug',
    );
    return rows.length > 0 ? courseFromRow(rows[0]) : null;
  }

  /**
   * A published course by id or slug as anyone may see it, or null: held in memory like the
   * public catalogue pages (COURSE_PAGE_CACHE_MS, emptied by every catalogue write of this
   * instance), so a popular course costs no query. Drafts and archived courses are never kept.
   */
  findPublished(idOrSlug: string): Promise<CourseEntity | null> {
    return this.publicCourses.get(idOrSlug, async () => {
      const course = await this.findByIdOrSlug(idOrSlug);
      return course?.status === 'published' ? course : null;
    });
  }

  /** The course's row, locked for update until the surrounding transaction ends. */
  findLocked(id: string): Promise<CourseEntity> {
    return this.courses.findOneOrFail({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findAll(): Promise<CourseEntity[]> {
    return this.courses.find();
  }

  findPublishedByIds(ids: string[]): Promise<CourseEntity[]> {
    return this.courses.findBy({ id: In(ids), status: 'published' });
  }

  async idsTaughtBy(instructorId: string): Promise<string[]> {
    const rows = await this.courses.find({ select: { id: true }, where: { instructorId } });
    return rows.map((row) => row.id);
  }

  /** Inserts a draft course; a taken slug is a {@link SlugTakenError}. */
  async insertDraft(values: Partial<CourseEntity>): Promise<CourseEntity> {
    this.catalogueChanged();
    return this.withSlugCheck(values.slug, () =>
      this.courses.save(this.courses.create({ ...values, status: 'draft' })),
    );
  }

  /** Saves changes to a course; a taken slug is a {@link SlugTakenError}. */
  async save(course: CourseEntity): Promise<CourseEntity> {
    this.catalogueChanged();
    return this.withSlugCheck(course.slug, () => this.courses.save(course));
  }

  async incrementEnrolmentCount(courseId: string): Promise<void> {
    this.catalogueChanged();
    await this.transactions.tx.query(
      'UPDATE courses SET enrolment_count = enrolment_count + 1 WHERE id = $1',
      [courseId],
    );
  }

  async decrementEnrolmentCount(courseId: string): Promise<void> {
    this.catalogueChanged();
    await this.transactions.tx.query(
      'UPDATE courses SET enrolment_count = GREATEST(enrolment_count - 1, 0) WHERE id = $1',
      [courseId],
    );
  }

  /**
   * Adds a review write's change to the course's rating sum and count, in the caller's transaction
   * (the review's). One relative UPDATE: concurrent reviews queue on the row lock and each adds to
   * the sum as committed before it, so the aggregates stay exact; the row's version (and with it
   * the course's ETag) changes and cached catalogue pages are dropped.
   */
  async adjustRating(courseId: string, change: RatingChange): Promise<void> {
    if (change.sumDelta === 0 && change.countDelta === 0) return;
    this.catalogueChanged();
    await this.transactions.tx.query(
      'UPDATE courses SET rating_sum = rating_sum + $2, rating_count = rating_count + $3 WHERE id = $1',
      [courseId, change.sumDelta, change.countDelta],
    );
  }

  /**
   * One keyset page of the courses the caller may see that match the criteria, with their total
   * (exact up to COUNT_CAP). A search text ranks the candidates the GIN index finds (see
   * course-search.ts); when the words find fewer than FUZZY_BELOW courses and pg_trgm is there,
   * titles and tags within a typo of a word are added below them.
   */
  search(criteria: CourseSearchCriteria, caller: AuthenticatedUser | undefined): Promise<CourseSearchPage> {
    if (caller) return this.searchNow(criteria, caller);
    return this.publicPages.get(JSON.stringify(criteria), () => this.searchNow(criteria, undefined));
  }

  private async searchNow(
    criteria: CourseSearchCriteria,
    caller: AuthenticatedUser | undefined,
  ): Promise<CourseSearchPage> {
    const key = SORT_KEYS[criteria.sort];
    // Decoded first: a bad cursor is the caller's error (400) whatever else the query holds.
    const cursor = criteria.cursor ? decodeCursor(criteria.cursor, criteria.sort, key.keyKind) : undefined;
    type PageRow = CourseRow & { sort_key: string; candidates?: number };
    let rows: PageRow[];
    let total: number;
    const { text } = criteria;
    if (text && criteria.sort === 'relevance') {
      const textCriteria = { ...criteria, text };
      rows = await this.rows<PageRow>(searchStatement(textCriteria, caller, cursor, { fuzzy: false }), true);
      // Every row carries the candidate count. A page after a cursor is never empty unless courses
      // changed meanwhile (a cursor is only handed out when more rows exist).
      const found = rows[0]?.candidates ?? 0;
      if (found < FUZZY_BELOW && (await this.hasTrigrams())) {
        rows = await this.withFuzzyThreshold(() =>
          this.rows<PageRow>(searchStatement(textCriteria, caller, cursor, { fuzzy: true })),
        );
      }
      total = rows[0]?.candidates ?? found;
    } else {
      const [page, count] = await Promise.all([
        this.rows<PageRow>(listingStatement(criteria, caller, cursor), true),
        this.rows<{ n: number }>(cappedCountStatement(criteria, caller), true),
      ]);
      rows = page;
      total = count[0].n;
    }
    const page = pageOf(
      rows,
      criteria.limit,
      (last) => ({ sort: criteria.sort, key: last.sort_key, id: last.id }),
      ({ sort_key: _key, candidates: _candidates, ...row }) => courseFromRow(row),
    );
    return { ...page, total: Math.min(total, COUNT_CAP), totalIsEstimate: total > COUNT_CAP };
  }

  /**
   * Rows of a statement: outside a transaction straight from the pool, inside one through the
   * transaction's entity manager. A `name` (or `prepared`: named after the text, as catalogue
   * queries come in a bounded number of shapes) makes it a prepared statement on each
   * connection: planned once, not on every request.
   */
  private async rows<T extends QueryResultRow>(statement: SqlStatement, name?: string | true): Promise<T[]> {
    if (this.transactions.isTransactionActive()) {
      return this.transactions.tx.query<T[]>(statement.text, statement.values);
    }
    const pool = (this.transactions.tx.connection.driver as PostgresDriver).master as Pool;
    const statementName =
      name === true ? `course_${createHash('sha1').update(statement.text).digest('base64url')}` : name;
    return (await pool.query<T>({ name: statementName, text: statement.text, values: statement.values }))
      .rows;
  }

  /** Query runners of open transactions that changed the catalogue: the page cache empties at their commit. */
  private readonly changing = new WeakSet<QueryRunner>();
  private commitsWatched = false;

  /**
   * Empties the public page cache now and, inside a transaction, again when it commits: a page
   * read between the two would otherwise be kept with the catalogue as it was before the commit.
   */
  private catalogueChanged(): void {
    this.clearPublicCaches();
    const manager = this.transactions.tx;
    if (!this.transactions.isTransactionActive() || !manager.queryRunner) return;
    this.changing.add(manager.queryRunner);
    if (this.commitsWatched) return;
    this.commitsWatched = true;
    manager.connection.subscribers.push({
      afterTransactionCommit: (event) => {
        if (this.changing.has(event.queryRunner)) {
          this.changing.delete(event.queryRunner);
          this.clearPublicCaches();
        }
      },
    });
  }

  private clearPublicCaches(): void {
    this.publicPages.clear();
    this.publicCourses.clear();
  }

  private trigrams?: Promise<boolean>;

  /** Whether pg_trgm is installed (the migration installs it where the server has it). */
  private hasTrigrams(): Promise<boolean> {
    this.trigrams ??= this.rows<{ installed: boolean }>({
      text: `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') AS installed`,
      values: [],
    }).then((rows) => rows[0].installed);
    return this.trigrams;
  }

  /** Runs `read` in a transaction whose `<%` operator uses FUZZY_THRESHOLD. */
  private withFuzzyThreshold<T>(read: () => Promise<T>): Promise<T> {
    return this.transactions.withTransaction(async () => {
      await this.transactions.tx.query(`SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)`, [
        String(FUZZY_THRESHOLD),
      ]);
      return read();
    });
  }

  private withSlugCheck<T>(slug: string | undefined, write: () => Promise<T>): Promise<T> {
    return onUniqueViolation('courses_slug_unique', write, () => {
      throw new SlugTakenError(slug);
    });
  }
}

import {
  type AuthenticatedUser,
  ConflictError,
  CursorKeyKind,
  decodeCursor,
  FeatureTransactions,
  InjectFeatureTransactions,
  isUniqueViolation,
  Page,
  pageOf,
} from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { In, Repository, SelectQueryBuilder } from 'typeorm';
import { COURSE_FEATURE, type CourseLevel, type CourseSort, type CourseStatus } from '../course.constants';
import { CourseEntity } from './course.entity';

/** Another course has that slug (unique index `courses_slug_unique`). */
export class SlugTakenError extends ConflictError {
  constructor(slug: string | undefined) {
    super(`Slug "${slug}" is already taken`);
  }
}

/** A catalogue search, already checked for consistency by the courses service. */
export interface CourseSearchCriteria {
  /** Trimmed, non-empty search text. */
  text?: string;
  sort: CourseSort;
  category?: string;
  level?: CourseLevel;
  language?: string;
  tag?: string;
  instructorId?: string;
  minPrice?: number;
  maxPrice?: number;
  status?: CourseStatus;
  limit: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface CourseSearchPage extends Page<CourseEntity> {
  /** Courses matching the filters, over all pages. */
  total: number;
}

/**
 * What `q` matches: the text in web-search syntax as typed, or else every word of it as a prefix,
 * so a query typed as people type ("postgres") finds "PostgreSQL". `:qPrefix` is empty when the
 * text uses operators (quotes, `-word`, `or`), whose meaning prefixes would change.
 */
const SEARCH_QUERY = `(websearch_to_tsquery('english', :q) || to_tsquery('english', :qPrefix))`;
const RANK = `ts_rank(course.search_vector, ${SEARCH_QUERY})::float8`;

/** `postgres index` -> `postgres:* & index:*`; empty for operator syntax or no words. */
export function prefixQueryOf(text: string): string {
  if (/"|(^|\s)-|\bor\b/i.test(text)) return '';
  const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.map((word) => `${word.toLowerCase()}:*`).join(' & ');
}

/**
 * Each sort is a keyset: an SQL expression plus the course id as tie-breaker, compared as a row
 * `(key, id) < (cursorKey, cursorId)`. Unlike OFFSET, a page boundary is a position in the order,
 * so courses inserted while a client pages never make it repeat or skip one. The cursor carries
 * the key in PostgreSQL's text form (exact for timestamps and float8), cast back with `type`.
 */
interface SortKey {
  expression: string;
  type: string;
  /** What a cursor's key must look like, so an altered cursor is a 400 and never reaches SQL. */
  keyKind: CursorKeyKind;
  direction: 'ASC' | 'DESC';
}

const SORT_KEYS: Record<CourseSort, SortKey> = {
  relevance: { expression: RANK, type: 'float8', keyKind: 'number', direction: 'DESC' },
  newest: { expression: 'course.created_at', type: 'timestamptz', keyKind: 'timestamp', direction: 'DESC' },
  popular: { expression: 'course.enrolment_count', type: 'integer', keyKind: 'number', direction: 'DESC' },
  price_asc: { expression: 'course.price', type: 'bigint', keyKind: 'number', direction: 'ASC' },
  price_desc: { expression: 'course.price', type: 'bigint', keyKind: 'number', direction: 'DESC' },
};

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every query of the course catalogue; inside `transactions.withTransaction` they join it. */
@Injectable()
export class CoursesRepository {
  constructor(
    @InjectFeatureTransactions(COURSE_FEATURE) private readonly transactions: FeatureTransactions,
  ) {}

  private get courses(): Repository<CourseEntity> {
    return this.transactions.tx.getRepository(CourseEntity);
  }

  /** By id or slug, whatever its status. */
  findByIdOrSlug(idOrSlug: string): Promise<CourseEntity | null> {
    return UUID_PATTERN.test(idOrSlug)
      ? this.courses.findOneBy({ id: idOrSlug.toLowerCase() })
      : this.courses.findOneBy({ slug: idOrSlug });
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
    return this.withSlugCheck(values.slug, () =>
      this.courses.save(this.courses.create({ ...values, status: 'draft' })),
    );
  }

  /** Saves changes to a course; a taken slug is a {@link SlugTakenError}. */
  async save(course: CourseEntity): Promise<CourseEntity> {
    return this.withSlugCheck(course.slug, () => this.courses.save(course));
  }

  async incrementEnrolmentCount(courseId: string): Promise<void> {
    await this.transactions.tx.query(
      'UPDATE courses SET enrolment_count = enrolment_count + 1 WHERE id = $1',
      [courseId],
    );
  }

  async decrementEnrolmentCount(courseId: string): Promise<void> {
    await this.transactions.tx.query(
      'UPDATE courses SET enrolment_count = GREATEST(enrolment_count - 1, 0) WHERE id = $1',
      [courseId],
    );
  }

  /** One keyset page of the courses the caller may see that match the criteria, with their total. */
  async search(
    criteria: CourseSearchCriteria,
    caller: AuthenticatedUser | undefined,
  ): Promise<CourseSearchPage> {
    const key = SORT_KEYS[criteria.sort];
    // Decoded first: a bad cursor is the caller's error (400) whatever else the query holds.
    const cursor = criteria.cursor ? decodeCursor(criteria.cursor, criteria.sort, key.keyKind) : undefined;
    const query = this.filtered(criteria, caller);
    const total = await query.clone().getCount();

    if (cursor) {
      const comparison = key.direction === 'DESC' ? '<' : '>';
      query.andWhere(
        `(${key.expression}, course.id) ${comparison} (CAST(:cursorKey AS ${key.type}), CAST(:cursorId AS uuid))`,
        { cursorKey: cursor.key, cursorId: cursor.id },
      );
    }
    query
      .addSelect(`(${key.expression})::text`, 'sort_key')
      .orderBy(key.expression, key.direction)
      .addOrderBy('course.id', key.direction)
      .limit(criteria.limit + 1);

    const { entities, raw } = await query.getRawAndEntities<{ sort_key: string; course_id: string }>();
    const sortKeys = new Map(raw.map((row) => [row.course_id, row.sort_key]));
    const page = pageOf(
      entities,
      criteria.limit,
      (last) => ({ sort: criteria.sort, key: sortKeys.get(last.id) ?? '', id: last.id }),
      (course) => course,
    );
    return { ...page, total };
  }

  private filtered(
    criteria: CourseSearchCriteria,
    caller: AuthenticatedUser | undefined,
  ): SelectQueryBuilder<CourseEntity> {
    const query = this.visibleTo(this.courses.createQueryBuilder('course'), caller);
    const { text } = criteria;
    if (text) {
      // Served by the GIN index on the generated, weighted search_vector column.
      query.andWhere(`course.search_vector @@ ${SEARCH_QUERY}`, { q: text, qPrefix: prefixQueryOf(text) });
    }
    if (criteria.status) query.andWhere('course.status = :status', { status: criteria.status });
    if (criteria.category) {
      query.andWhere('course.category = :category', { category: criteria.category.toLowerCase() });
    }
    if (criteria.level) query.andWhere('course.level = :level', { level: criteria.level });
    if (criteria.language) query.andWhere('course.language = :language', { language: criteria.language });
    if (criteria.tag) query.andWhere('course.tags @> ARRAY[:tag]::text[]', { tag: criteria.tag });
    if (criteria.instructorId) {
      query.andWhere('course.instructor_id = :instructorId', { instructorId: criteria.instructorId });
    }
    if (criteria.minPrice !== undefined) {
      query.andWhere('course.price >= :minPrice', { minPrice: criteria.minPrice });
    }
    if (criteria.maxPrice !== undefined) {
      query.andWhere('course.price <= :maxPrice', { maxPrice: criteria.maxPrice });
    }
    return query;
  }

  /**
   * The visibility rule in SQL (the same as the courses service's `canView` for one course):
   * published courses, plus the caller's own, or all for admins.
   */
  private visibleTo(
    query: SelectQueryBuilder<CourseEntity>,
    caller: AuthenticatedUser | undefined,
  ): SelectQueryBuilder<CourseEntity> {
    if (caller?.roles.includes('admin')) return query;
    if (caller) {
      return query.andWhere(`(course.status = 'published' OR course.instructor_id = :callerId)`, {
        callerId: caller.id,
      });
    }
    return query.andWhere(`course.status = 'published'`);
  }

  private async withSlugCheck<T>(slug: string | undefined, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error, 'courses_slug_unique')) throw new SlugTakenError(slug);
      throw error;
    }
  }
}

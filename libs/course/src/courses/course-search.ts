import { BadRequestException } from '@nestjs/common';
import type { AuthenticatedUser } from '@coursehub/core';
import type { Repository, SelectQueryBuilder } from 'typeorm';
import { type CourseSort, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../course.constants';
import type { ListCoursesQueryDto } from '../dto/course.dto';
import type { CourseEntity } from './course.entity';

/**
 * Each sort is a keyset: an SQL expression plus the course id as tie-breaker, compared as a row
 * `(key, id) < (cursorKey, cursorId)`. Unlike OFFSET, a page boundary is a position in the order,
 * so courses inserted while a client pages never make it repeat or skip one.
 */
interface SortKey {
  expression: string;
  /** SQL type to cast the cursor's text form back to, so the comparison is exact. */
  type: string;
  direction: 'ASC' | 'DESC';
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

const SORT_KEYS: Record<CourseSort, SortKey> = {
  relevance: { expression: RANK, type: 'float8', direction: 'DESC' },
  newest: { expression: 'course.created_at', type: 'timestamptz', direction: 'DESC' },
  popular: { expression: 'course.enrolment_count', type: 'integer', direction: 'DESC' },
  price_asc: { expression: 'course.price', type: 'bigint', direction: 'ASC' },
  price_desc: { expression: 'course.price', type: 'bigint', direction: 'DESC' },
};

interface Cursor {
  /** Sort the cursor belongs to: a cursor of another sort is meaningless. */
  s: CourseSort;
  /** The last item's sort key in PostgreSQL's text form (exact for timestamps and float8). */
  k: string;
  /** The last item's id. */
  i: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(raw: string, sort: CourseSort): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(raw, 'base64url').toString()) as Partial<Cursor>;
    if (
      cursor.s === sort &&
      typeof cursor.k === 'string' &&
      typeof cursor.i === 'string' &&
      /^[0-9a-f-]{36}$/i.test(cursor.i)
    ) {
      return cursor as Cursor;
    }
  } catch {
    // Falls through to the 400 below.
  }
  throw new BadRequestException('Invalid cursor (it belongs to another query or was altered)');
}

export interface CoursePage {
  items: CourseEntity[];
  total: number;
  nextCursor: string | null;
}

/** Restricts a query to the courses the caller may see: published ones, plus their own, or all for admins. */
export function applyVisibility(
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

export async function searchCourses(
  repository: Repository<CourseEntity>,
  filters: ListCoursesQueryDto,
  caller: AuthenticatedUser | undefined,
): Promise<CoursePage> {
  const text = filters.q?.trim() ? filters.q.trim() : undefined;
  const sort: CourseSort = filters.sort ?? (text ? 'relevance' : 'newest');
  if (sort === 'relevance' && !text) throw new BadRequestException('sort=relevance needs a search text (q)');
  if (
    filters.minPrice !== undefined &&
    filters.maxPrice !== undefined &&
    filters.minPrice > filters.maxPrice
  ) {
    throw new BadRequestException('minPrice must not exceed maxPrice');
  }
  const limit = Math.min(filters.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);

  const query = applyVisibility(repository.createQueryBuilder('course'), caller);
  if (text) {
    // Served by the GIN index on the generated, weighted search_vector column.
    query.andWhere(`course.search_vector @@ ${SEARCH_QUERY}`, { q: text, qPrefix: prefixQueryOf(text) });
  }
  if (filters.status) query.andWhere('course.status = :status', { status: filters.status });
  if (filters.category)
    query.andWhere('course.category = :category', { category: filters.category.toLowerCase() });
  if (filters.level) query.andWhere('course.level = :level', { level: filters.level });
  if (filters.language) query.andWhere('course.language = :language', { language: filters.language });
  if (filters.tag) query.andWhere('course.tags @> ARRAY[:tag]::text[]', { tag: filters.tag });
  if (filters.instructorId) {
    query.andWhere('course.instructor_id = :instructorId', { instructorId: filters.instructorId });
  }
  if (filters.minPrice !== undefined)
    query.andWhere('course.price >= :minPrice', { minPrice: filters.minPrice });
  if (filters.maxPrice !== undefined)
    query.andWhere('course.price <= :maxPrice', { maxPrice: filters.maxPrice });

  const total = await query.clone().getCount();

  const key = SORT_KEYS[sort];
  if (filters.cursor) {
    const cursor = decodeCursor(filters.cursor, sort);
    const comparison = key.direction === 'DESC' ? '<' : '>';
    query.andWhere(
      `(${key.expression}, course.id) ${comparison} (CAST(:cursorKey AS ${key.type}), CAST(:cursorId AS uuid))`,
      { cursorKey: cursor.k, cursorId: cursor.i },
    );
  }
  query
    .addSelect(`(${key.expression})::text`, 'sort_key')
    .orderBy(key.expression, key.direction)
    .addOrderBy('course.id', key.direction)
    .limit(limit + 1);

  const { entities, raw } = await query.getRawAndEntities<{ sort_key: string; course_id: string }>();
  const hasMore = entities.length > limit;
  const items = entities.slice(0, limit);
  const last = items.at(-1);
  const lastKey = last ? raw.find((row) => row.course_id === last.id)?.sort_key : undefined;
  return {
    items,
    total,
    nextCursor:
      hasMore && last && lastKey !== undefined ? encodeCursor({ s: sort, k: lastKey, i: last.id }) : null,
  };
}

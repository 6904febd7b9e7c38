import type { AuthenticatedUser, CursorKeyKind, PageCursor } from '@coursehub/core';
import type { CourseLevel, CourseSort, CourseStatus } from '../course.constants';
import { COURSE_COLUMNS, SqlParameters } from './course-rows';
import { parseSearchText, wordQueryOf } from './search-text';

/** A catalogue query, already checked for consistency by the courses service. */
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
  /** Courses whose average rating is at least this (unrated courses never qualify). */
  minRating?: number;
  status?: CourseStatus;
  limit: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/**
 * `total` is counted exactly up to this many courses and is reported as this many, with
 * `totalIsEstimate`, beyond (counting stops at COUNT_CAP + 1 rows). A search also ranks at most
 * COUNT_CAP + 1 candidates per tier (all words, any word) as the GIN index yields them: bounded
 * work whatever the catalogue size, and courses matching every word are never crowded out.
 */
export const COUNT_CAP = 1_000;

/** Below this many full-text candidates, near misses of titles and tags (typos) are added. */
export const FUZZY_BELOW = 10;
/** pg_trgm word similarity a near miss needs ("pyton" ~ "python" is 0.5). */
export const FUZZY_THRESHOLD = 0.5;
/** Words shorter than this get no typo tolerance: trigrams of short words match too much. */
const FUZZY_MIN_WORD = 4;

/**
 * Each sort is a keyset: an SQL expression plus the course id as tie-breaker, compared as a row
 * `(key, id) < (cursorKey, cursorId)`. Unlike OFFSET, a page boundary is a position in the order,
 * so courses inserted while a client pages never make it repeat or skip one. The cursor carries
 * the key in PostgreSQL's text form (exact for timestamps and float8), cast back with `type`.
 */
export interface SortKey {
  expression: string;
  type: string;
  /** What a cursor's key must look like, so an altered cursor is a 400 and never reaches SQL. */
  keyKind: CursorKeyKind;
  direction: 'ASC' | 'DESC';
}

export const SORT_KEYS: Record<CourseSort, SortKey> = {
  relevance: { expression: 'ranked.score', type: 'float8', keyKind: 'number', direction: 'DESC' },
  newest: { expression: 'c.created_at', type: 'timestamptz', keyKind: 'timestamp', direction: 'DESC' },
  popular: { expression: 'c.enrolment_count', type: 'integer', keyKind: 'integer', direction: 'DESC' },
  price_asc: { expression: 'c.price', type: 'bigint', keyKind: 'integer', direction: 'ASC' },
  price_desc: { expression: 'c.price', type: 'bigint', keyKind: 'integer', direction: 'DESC' },
  // The stored average (0 when unrated, so unrated courses come last); float8 text is exact.
  rating: { expression: 'c.rating_average', type: 'float8', keyKind: 'number', direction: 'DESC' },
};

export interface SqlStatement {
  text: string;
  values: unknown[];
}

/**
 * The visibility rule (the same as the courses service's `canView` for one course: published
 * courses, plus the caller's own, or all for admins) and the filters, as conditions on `c`.
 */
function conditionsOf(
  criteria: CourseSearchCriteria,
  caller: AuthenticatedUser | undefined,
  params: SqlParameters,
): string {
  const conditions: string[] = [];
  if (!caller) conditions.push(`c.status = 'published'`);
  else if (!caller.roles.includes('admin')) {
    conditions.push(`(c.status = 'published' OR c.instructor_id = ${params.add(caller.id)})`);
  }
  if (criteria.status) conditions.push(`c.status = ${params.add(criteria.status)}`);
  if (criteria.category) conditions.push(`c.category = ${params.add(criteria.category.toLowerCase())}`);
  if (criteria.level) conditions.push(`c.level = ${params.add(criteria.level)}`);
  if (criteria.language) conditions.push(`c.language = ${params.add(criteria.language)}`);
  if (criteria.tag) conditions.push(`c.tags @> ARRAY[${params.add(criteria.tag)}]::text[]`);
  if (criteria.instructorId) conditions.push(`c.instructor_id = ${params.add(criteria.instructorId)}`);
  if (criteria.minPrice !== undefined) conditions.push(`c.price >= ${params.add(criteria.minPrice)}`);
  if (criteria.maxPrice !== undefined) conditions.push(`c.price <= ${params.add(criteria.maxPrice)}`);
  if (criteria.minRating !== undefined) {
    conditions.push(`c.rating_count > 0 AND c.rating_average >= ${params.add(criteria.minRating)}::float8`);
  }
  return conditions.length > 0 ? conditions.join(' AND ') : 'true';
}

/** A search text as a plain filter (any of its words), for the sorts other than relevance. */
function textConditionOf(text: string | undefined, params: SqlParameters): string {
  if (!text) return 'true';
  const parsed = parseSearchText(text);
  const query =
    parsed.kind === 'words' && parsed.words.length > 0
      ? `to_tsquery('english', ${params.add(parsed.words.map(wordQueryOf).join(' | '))})`
      : `websearch_to_tsquery('english', ${params.add(parsed.kind === 'operators' ? parsed.text : '')})`;
  return `c.search_vector @@ ${query}`;
}

function keysetOf(key: SortKey, cursor: PageCursor | undefined, params: SqlParameters): string {
  if (!cursor) return 'true';
  const comparison = key.direction === 'DESC' ? '<' : '>';
  return `(${key.expression}, c.id) ${comparison} (CAST(${params.add(cursor.key)} AS ${key.type}), CAST(${params.add(cursor.id)} AS uuid))`;
}

/**
 * A page of the catalogue in `criteria.sort` order (not relevance: a search text is then only a
 * filter, any of its words); rows carry `sort_key`.
 */
export function listingStatement(
  criteria: CourseSearchCriteria,
  caller: AuthenticatedUser | undefined,
  cursor: PageCursor | undefined,
): SqlStatement {
  const params = new SqlParameters();
  const key = SORT_KEYS[criteria.sort];
  const text = `SELECT ${COURSE_COLUMNS}, (${key.expression})::text AS sort_key FROM courses c
    WHERE ${conditionsOf(criteria, caller, params)} AND ${textConditionOf(criteria.text, params)}
      AND ${keysetOf(key, cursor, params)}
    ORDER BY ${key.expression} ${key.direction}, c.id ${key.direction}
    LIMIT ${params.add(criteria.limit + 1)}`;
  return { text, values: params.values };
}

/** How many courses match the filters (and text, for sorts other than relevance), up to COUNT_CAP + 1. */
export function cappedCountStatement(
  criteria: CourseSearchCriteria,
  caller: AuthenticatedUser | undefined,
): SqlStatement {
  const params = new SqlParameters();
  const text = `SELECT count(*)::int AS n FROM (
      SELECT 1 FROM courses c
      WHERE ${conditionsOf(criteria, caller, params)} AND ${textConditionOf(criteria.text, params)}
      LIMIT ${COUNT_CAP + 1}) capped`;
  return { text, values: params.values };
}

/**
 * A page of a text search, best first; rows carry `sort_key` (the score) and `candidates` (how many
 * courses were ranked, up to 2 × (COUNT_CAP + 1)). The score orders courses by how many of the words they
 * match (all words first), then by how rare the matched words are among the candidates and by
 * ts_rank (title above tags and category above summary): `matched + 0.99 × (0.7 rarity + 0.3 rank)`,
 * both in [0, 1). Near misses (`fuzzy`, pg_trgm) score below 1, under every full-text match.
 */
export function searchStatement(
  criteria: CourseSearchCriteria & { text: string },
  caller: AuthenticatedUser | undefined,
  cursor: PageCursor | undefined,
  options: { fuzzy: boolean },
): SqlStatement {
  const params = new SqlParameters();
  const conditions = conditionsOf(criteria, caller, params);
  const parsed = parseSearchText(criteria.text);
  let ranked: string;
  if (parsed.kind === 'operators' || parsed.words.length === 0) {
    const query = `websearch_to_tsquery('english', ${params.add(parsed.kind === 'operators' ? parsed.text : '')})`;
    ranked = `found AS MATERIALIZED (
        SELECT c.id, (1 + 0.99 * ts_rank(c.search_vector, ${query}, 32))::float8 AS score FROM courses c
        WHERE c.search_vector @@ ${query} AND ${conditions} LIMIT ${COUNT_CAP + 1}),
      ranked AS (SELECT id, score, count(*) OVER () AS candidates FROM found)`;
  } else {
    const wordQueries = parsed.words.map((word) => `to_tsquery('english', ${params.add(wordQueryOf(word))})`);
    const anyWord = `to_tsquery('english', ${params.add(parsed.words.map(wordQueryOf).join(' | '))})`;
    const matches = wordQueries.map((query, index) => `(c.search_vector @@ ${query})::int AS m${index}`);
    const m = wordQueries.map((_, index) => `m${index}`);
    // Inverse document frequency of each word among the candidates: rare words tell more.
    const idf = m.map((column) => `ln(1 + count(*) OVER () / GREATEST(sum(${column}) OVER (), 1)::float8)`);
    const rarity = `(${m.map((column, index) => `${column} * ${idf[index]}`).join(' + ')}) / (${idf.join(' + ')})`;
    const allWords = () => `to_tsquery('english', ${params.add(parsed.words.map(wordQueryOf).join(' & '))})`;
    const tiers =
      parsed.words.length > 1
        ? `(SELECT c.id FROM courses c WHERE c.search_vector @@ ${allWords()} AND ${conditions} LIMIT ${COUNT_CAP + 1})
           UNION
           (SELECT c.id FROM courses c WHERE c.search_vector @@ ${anyWord} AND ${conditions} LIMIT ${COUNT_CAP + 1})`
        : `SELECT c.id FROM courses c WHERE c.search_vector @@ ${anyWord} AND ${conditions} LIMIT ${COUNT_CAP + 1}`;
    const fuzzyWords = parsed.words.filter((word) => word.length >= FUZZY_MIN_WORD);
    const fuzzy =
      options.fuzzy && fuzzyWords.length > 0
        ? fuzzyStatement(fuzzyWords, conditions, params)
        : `SELECT NULL::uuid AS id, NULL::float8 AS score WHERE false`;
    ranked = `found AS MATERIALIZED (${tiers}),
      matched AS (
        SELECT c.id, ${matches.join(', ')}, ts_rank(c.search_vector, ${anyWord}, 32) AS rank
        FROM found JOIN courses c USING (id)),
      scored AS (
        SELECT id, (${m.join(' + ')} + 0.99 * (0.7 * ${rarity} + 0.3 * rank))::float8 AS score FROM matched
        UNION ALL
        SELECT fuzzy.id, fuzzy.score FROM (${fuzzy}) fuzzy WHERE fuzzy.id NOT IN (SELECT id FROM found)),
      ranked AS (SELECT id, score, count(*) OVER () AS candidates FROM scored)`;
  }
  const key = SORT_KEYS.relevance;
  const text = `WITH ${ranked}
    SELECT ${COURSE_COLUMNS}, ranked.score::text AS sort_key, ranked.candidates::int AS candidates
    FROM ranked JOIN courses c USING (id)
    WHERE ${keysetOf(key, cursor, params)}
    ORDER BY ranked.score DESC, c.id DESC
    LIMIT ${params.add(criteria.limit + 1)}`;
  return { text, values: params.values };
}

/** Titles and tags within FUZZY_THRESHOLD of a word (GIN trigram index `courses_fuzzy`). */
function fuzzyStatement(words: string[], conditions: string, params: SqlParameters): string {
  const fuzzyText = 'course_fuzzy_text(c.title, c.tags)';
  const placeholders = words.map((word) => params.add(word));
  return `SELECT c.id, (0.9 * GREATEST(${placeholders.map((word) => `word_similarity(${word}, ${fuzzyText})`).join(', ')}))::float8 AS score
    FROM courses c
    WHERE (${placeholders.map((word) => `${word} <% ${fuzzyText}`).join(' OR ')}) AND ${conditions}
    LIMIT ${COUNT_CAP}`;
}

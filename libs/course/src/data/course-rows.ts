import type { CourseEntity } from './course.entity';

/*
 * The hot reads (a course by id or slug, catalogue pages) run as plain SQL and map the row by hand
 * instead of going through TypeORM's query builder and entity hydration, which cost more CPU than
 * the query itself (issue 14's profile: TypeORM 37 % of the by-id load). The result has the
 * entity's shape, so services and DTO mappers do not tell the two apart.
 */

/** Every column of `courses` the API shows, qualified by the alias `c`, named as the entity's fields. */
export const COURSE_COLUMNS = `c.id, c.title, c.slug, c.summary, c.description, c.tags, c.category, c.level,
  c.language, c.price, c.currency, c.instructor_id AS "instructorId", c.status,
  c.enrolment_count AS "enrolmentCount", c.rating_sum AS "ratingSum", c.rating_count AS "ratingCount",
  c.published_at AS "publishedAt", c.created_at AS "createdAt", c.updated_at AS "updatedAt", c.version`;

/** A row selected with COURSE_COLUMNS: the entity's fields, but pg returns the bigints as text. */
export type CourseRow = Omit<CourseEntity, 'price' | 'ratingSum'> & { price: string; ratingSum: string };

export function courseFromRow({ price, ratingSum, ...fields }: CourseRow): CourseEntity {
  return { ...fields, price: Number(price), ratingSum: Number(ratingSum) };
}

/**
 * Collects positional parameters while SQL text is assembled: `params.add(value)` returns `$n`.
 * Values never enter the SQL text.
 */
export class SqlParameters {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

import type { CourseEntity } from './course.entity';

/*
 * The hot reads (a course by id or slug, catalogue pages) run as plain SQL and map the row by hand
 * instead of going through TypeORM's query builder and entity hydration, which cost more CPU than
 * the query itself (issue 14's profile: TypeORM 37 % of the by-id load). The result has the
 * entity's shape, so services and DTO mappers do not tell the two apart.
 */

/** Every column of `courses` the API shows, qualified by the alias `c`. */
export const COURSE_COLUMNS = `c.id, c.title, c.slug, c.summary, c.description, c.tags, c.category, c.level,
  c.language, c.price, c.currency, c.instructor_id, c.status, c.enrolment_count, c.published_at,
  c.created_at, c.updated_at, c.version`;

export interface CourseRow {
  id: string;
  title: string;
  slug: string;
  summary: string;
  description: string;
  tags: string[];
  category: string;
  level: CourseEntity['level'];
  language: string;
  /** bigint: pg returns it as text. */
  price: string;
  currency: string;
  instructor_id: string;
  status: CourseEntity['status'];
  enrolment_count: number;
  published_at: Date | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export function courseFromRow(row: CourseRow): CourseEntity {
  return {
    id: row.id,
    title: row.title,
    slug: row.slug,
    summary: row.summary,
    description: row.description,
    tags: row.tags,
    category: row.category,
    level: row.level,
    language: row.language,
    price: Number(row.price),
    currency: row.currency,
    instructorId: row.instructor_id,
    status: row.status,
    enrolmentCount: row.enrolment_count,
    publishedAt: row.published_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
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

import Fastify, { FastifyInstance } from 'fastify';
import { Pool } from 'pg';

/*
 * The read benchmark's baseline, the practical ceiling for these two routes in Node: bare Fastify
 * and `pg`, no framework, one prepared statement for the course by id and a naive search
 * (plainto_tsquery + ts_rank over the same search_vector, LIMIT 20). Same rows, same JSON as the
 * course service's CourseDto; nothing else (no auth, logging, metrics or headers). Its row type
 * and JSON mapping repeat libs/course on purpose: the baseline shares no code with what it measures.
 */

const COLUMNS = `id, title, slug, summary, description, tags, category, level, language, price, currency,
  instructor_id, status, enrolment_count, published_at, created_at, updated_at`;

interface CourseRow {
  id: string;
  title: string;
  slug: string;
  summary: string;
  description: string;
  tags: string[];
  category: string;
  level: string;
  language: string;
  price: string;
  currency: string;
  instructor_id: string;
  status: string;
  enrolment_count: number;
  published_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const toJson = (row: CourseRow) => ({
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
  publishedAt: row.published_at?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

export async function startBaselineServer(
  databaseUrl: string,
  poolSize: number,
): Promise<{ url: string; close: () => Promise<void> }> {
  const pool = new Pool({ connectionString: databaseUrl, max: poolSize });
  const app: FastifyInstance = Fastify({ logger: false });

  app.get<{ Params: { id: string } }>('/courses/:id', async (request, reply) => {
    const { rows } = await pool.query<CourseRow>({
      name: 'course_by_id',
      text: `SELECT ${COLUMNS} FROM courses WHERE id = $1 AND status = 'published'`,
      values: [request.params.id],
    });
    if (rows.length === 0) return reply.code(404).send({ statusCode: 404, message: 'Course not found' });
    return toJson(rows[0]);
  });

  app.get<{ Querystring: { q?: string } }>('/courses', async (request) => {
    const { rows } = await pool.query<CourseRow>({
      name: 'course_search',
      text: `SELECT ${COLUMNS} FROM courses
             WHERE status = 'published' AND search_vector @@ plainto_tsquery('english', $1)
             ORDER BY ts_rank(search_vector, plainto_tsquery('english', $1)) DESC, id
             LIMIT 20`,
      values: [request.query.q ?? ''],
    });
    return { items: rows.map(toJson), nextCursor: null };
  });

  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    close: async () => {
      await app.close();
      await pool.end();
    },
  };
}

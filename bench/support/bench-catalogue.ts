import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { SeededRandom } from './random';
import { syntheticCatalogue } from './synthetic-catalogue';

/**
 * The read benchmark's catalogue: `count` published courses from the synthetic catalogue (every
 * one published, so both servers serve the same rows), written with multi-row INSERTs straight
 * into a database the course feature has migrated (seeding 10 000 through the API would take
 * minutes and measure something else).
 */
export interface BenchCatalogue {
  ids: string[];
  /** Two-word searches from a topic's frequent words, the way people search a topic. */
  searches: string[];
}

const BATCH = 500;

export async function loadBenchCatalogue(databaseUrl: string, count: number): Promise<BenchCatalogue> {
  const catalogue = syntheticCatalogue(20_261_129, count, 0);
  const random = new SeededRandom(7);
  const instructors = Array.from({ length: 50 }, () => randomUUID());
  const ids: string[] = [];
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (let start = 0; start < count; start += BATCH) {
      const values: unknown[] = [];
      const rows: string[] = [];
      for (let index = start; index < Math.min(count, start + BATCH); index++) {
        const course = catalogue.courses[index];
        const id = randomUUID();
        ids.push(id);
        const params = [
          id,
          course.title,
          `bench-course-${index}`,
          course.summary,
          course.description,
          course.tags,
          course.category,
          random.pick(['beginner', 'intermediate', 'advanced']),
          'en',
          random.int(10) === 0 ? 0 : 900 + 100 * random.int(90),
          'EUR',
          random.pick(instructors),
          random.int(500),
        ];
        const first = values.length;
        values.push(...params);
        rows.push(
          `(${params.map((_, offset) => `$${first + offset + 1}`).join(', ')}, 'published', now() - interval '1 day')`,
        );
      }
      await client.query(
        `INSERT INTO courses (id, title, slug, summary, description, tags, category, level, language, price,
           currency, instructor_id, enrolment_count, status, published_at) VALUES ${rows.join(', ')}`,
        values,
      );
    }
    await client.query('ANALYZE courses');
  } finally {
    await client.end();
  }
  const searches = Array.from({ length: 200 }, () => {
    const words = random.pick(catalogue.topicWords).slice(0, 4);
    const first = random.int(words.length);
    const second = (first + 1 + random.int(words.length - 1)) % words.length;
    return `${words[first]} ${words[second]}`;
  });
  return { ids, searches };
}

import { z } from 'zod';

/** Variables of the course feature. */
export const courseEnvSchema = z.object({
  /**
   * How often the recommendation model is rebuilt from the database. Between rebuilds it is kept
   * current incrementally; the rebuild refreshes catalogue-wide IDF and repairs anything missed.
   */
  COURSE_RECOMMENDATIONS_REBUILD_MS: z.coerce.number().int().min(1_000).default(600_000),
  /**
   * How long an anonymous catalogue page (GET /courses, with or without q) is reused from memory;
   * 0 turns the cache off. Kept below the `max-age` those pages are sent with (60 s).
   */
  COURSE_PAGE_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(10_000),
});

export type CourseEnv = z.infer<typeof courseEnvSchema>;

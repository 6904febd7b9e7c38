import { z } from 'zod';

/** Variables of the course feature. */
export const courseEnvSchema = z.object({
  /**
   * How often the recommendation model is rebuilt from the database. Between rebuilds it is kept
   * current incrementally; the rebuild refreshes catalogue-wide IDF and repairs anything missed.
   */
  COURSE_RECOMMENDATIONS_REBUILD_MS: z.coerce.number().int().min(1_000).default(600_000),
});

export type CourseEnv = z.infer<typeof courseEnvSchema>;

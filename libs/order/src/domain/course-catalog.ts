import type { CourseSnapshot } from '@coursehub/contracts';

/**
 * Where orders learn about courses. The order service owns no course data: the implementation
 * asks the course service over the transport (`course.get`).
 */
export interface CourseCatalog {
  /** The course, or `undefined` when the course service does not know it. */
  findCourse(courseId: string): Promise<CourseSnapshot | undefined>;
}

export const COURSE_CATALOG = Symbol('COURSE_CATALOG');

/** The course service did not answer (down, broker unreachable, timeout, or a malformed reply). */
export class CourseCatalogUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`Course service unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'CourseCatalogUnavailableError';
  }
}

/** Name of the course feature's TypeORM data source (and of its database in the platform). */
export const COURSE_DATA_SOURCE = 'course';

/** Consumer name under which processed order events are recorded (idempotency key scope). */
export const ENROLMENT_CONSUMER = 'course.enrolments';

export const COURSE_LEVELS = ['beginner', 'intermediate', 'advanced'] as const;
export type CourseLevel = (typeof COURSE_LEVELS)[number];

export const COURSE_STATUSES = ['draft', 'published', 'archived'] as const;
export type CourseStatusValue = (typeof COURSE_STATUSES)[number];

export const COURSE_SORTS = ['relevance', 'newest', 'popular', 'price_asc', 'price_desc'] as const;
export type CourseSort = (typeof COURSE_SORTS)[number];

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_RECOMMENDATIONS = 50;

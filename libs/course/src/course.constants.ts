/** The feature's name: also its database, TypeORM data source and transaction host. */
export const COURSE_FEATURE = 'course';

/** Consumer name under which processed order events are recorded (idempotency key scope). */
export const ENROLMENT_CONSUMER = 'course.enrolments';

export const COURSE_LEVELS = ['beginner', 'intermediate', 'advanced'] as const;
export type CourseLevel = (typeof COURSE_LEVELS)[number];

/** A course's lifecycle: created as a draft, published into the catalogue, archived out of it. */
export const COURSE_STATUSES = ['draft', 'published', 'archived'] as const;
export type CourseStatus = (typeof COURSE_STATUSES)[number];

export const COURSE_SORTS = ['relevance', 'newest', 'popular', 'price_asc', 'price_desc', 'rating'] as const;
export type CourseSort = (typeof COURSE_SORTS)[number];

export const DEFAULT_RECOMMENDATIONS = 10;
export const MAX_RECOMMENDATIONS = 50;

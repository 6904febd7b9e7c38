import type { CourseSnapshot } from '@coursehub/contracts';
import type { AuthenticatedUser } from '@coursehub/core';
import type { CourseDto } from '../dto/course.dto';
import type { CourseFeatures } from '../recommendations';
import type { CourseEntity } from './course.entity';

export function toCourseDto(course: CourseEntity): CourseDto {
  return {
    id: course.id,
    title: course.title,
    slug: course.slug,
    summary: course.summary,
    description: course.description,
    tags: course.tags,
    category: course.category,
    level: course.level,
    language: course.language,
    price: course.price,
    currency: course.currency,
    instructorId: course.instructorId,
    status: course.status,
    enrolmentCount: course.enrolmentCount,
    publishedAt: course.publishedAt?.toISOString() ?? null,
    createdAt: course.createdAt.toISOString(),
    updatedAt: course.updatedAt.toISOString(),
  };
}

/** The `course.get` reply: what the order service snapshots into an order. */
export function toCourseSnapshot(course: CourseEntity): CourseSnapshot {
  return {
    id: course.id,
    slug: course.slug,
    title: course.title,
    status: course.status,
    instructorId: course.instructorId,
    category: course.category,
    tags: course.tags,
    price: course.price,
    currency: course.currency,
  };
}

/**
 * The course as the recommender sees it. The catalogue's `enrolmentCount` is left out on purpose:
 * the model is built from every active enrolment and told of each change, so it counts them
 * itself, while the counter it was handed would be a snapshot that later refunds cannot lower.
 */
export function toCourseFeatures(course: CourseEntity): CourseFeatures {
  return {
    id: course.id,
    title: course.title,
    summary: course.summary,
    description: course.description,
    tags: course.tags,
    category: course.category,
    status: course.status,
  };
}

/** The course's instructor or an admin may change it and see it in any status. */
export function canManage(course: CourseEntity, caller: AuthenticatedUser | undefined): boolean {
  return caller !== undefined && (caller.roles.includes('admin') || caller.id === course.instructorId);
}

export function canView(course: CourseEntity, caller: AuthenticatedUser | undefined): boolean {
  return course.status === 'published' || canManage(course, caller);
}

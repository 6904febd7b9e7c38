import { PageDto } from '@coursehub/core';
import { ApiProperty } from '@nestjs/swagger';
import { COURSE_LEVELS, COURSE_STATUSES, type CourseLevel, type CourseStatus } from '../course.constants';
import type { CourseEntity } from '../data/course.entity';

/** A course's rating: the mean of its reviews' ratings (null while it has none) and how many. */
export class CourseRatingDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 1,
    maximum: 5,
    example: 4.63,
    description: 'Mean of the ratings, rounded to two decimals; null while the course has no reviews.',
  })
  average!: number | null;

  @ApiProperty({ type: 'integer', minimum: 0, example: 120 }) count!: number;
}

export class CourseDto {
  @ApiProperty({ format: 'uuid', example: '0d6f7a52-3c1b-4e8e-8a0b-6a3b1f2e9c11' }) id!: string;
  @ApiProperty({ example: 'Practical PostgreSQL' }) title!: string;
  @ApiProperty({ example: 'practical-postgresql' }) slug!: string;
  @ApiProperty({ example: 'Queries, indexes and transactions.' }) summary!: string;

  @ApiProperty({
    example: 'From EXPLAIN to partial indexes: make slow queries fast, with exercises on a real data set.',
  })
  description!: string;

  @ApiProperty({ type: [String], example: ['sql', 'databases'] }) tags!: string[];
  @ApiProperty({ example: 'development' }) category!: string;
  @ApiProperty({ enum: COURSE_LEVELS, example: 'beginner' }) level!: CourseLevel;
  @ApiProperty({ example: 'en' }) language!: string;
  @ApiProperty({ description: 'Integer minor units.', example: 4900 }) price!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ format: 'uuid', example: '8a2f4c1e-9b7d-4e3a-a1c5-2d6e8f0b3c47' }) instructorId!: string;
  @ApiProperty({ enum: COURSE_STATUSES, example: 'published' }) status!: CourseStatus;
  @ApiProperty({ example: 120 }) enrolmentCount!: number;
  @ApiProperty({ type: CourseRatingDto }) rating!: CourseRatingDto;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-11-02T08:00:00.000Z' })
  publishedAt!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-10-28T14:12:03.000Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-20T09:30:00.000Z' }) updatedAt!: string;
}

export class CoursePageDto extends PageDto(CourseDto) {
  @ApiProperty({
    description:
      'Courses matching the query over all pages: exact up to 1,000, then 1,000 (see totalIsEstimate).',
    example: 42,
  })
  total!: number;

  @ApiProperty({
    description: 'True when more than 1,000 courses match: `total` is then a lower bound.',
    example: false,
  })
  totalIsEstimate!: boolean;
}

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
    rating: ratingOf(course),
    publishedAt: course.publishedAt?.toISOString() ?? null,
    createdAt: course.createdAt.toISOString(),
    updatedAt: course.updatedAt.toISOString(),
  };
}

/** The rating shown with a course, from the sum and count kept on its row. */
export function ratingOf(course: Pick<CourseEntity, 'ratingSum' | 'ratingCount'>): CourseRatingDto {
  const count = course.ratingCount ?? 0;
  return { average: count > 0 ? Math.round((course.ratingSum / count) * 100) / 100 : null, count };
}

import {
  CreatedAtColumn,
  TextColumn,
  TimestampColumn,
  UpdatedAtColumn,
  UuidColumn,
  UuidPrimaryKey,
} from '@coursehub/core';
import { Column, Entity, type ValueTransformer } from 'typeorm';
import type { CourseLevel, CourseStatus } from '../course.constants';

/** `bigint` columns come back from pg as strings; prices and counts stay far below 2^53. */
const bigintAsNumber: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

@Entity({ name: 'courses' })
export class CourseEntity {
  @UuidPrimaryKey()
  id!: string;

  @TextColumn()
  title!: string;

  /** Unique (index `courses_slug_unique`); `GET /courses/:slug` finds a course by it. */
  @TextColumn()
  slug!: string;

  @TextColumn({ default: '' })
  summary!: string;

  @TextColumn({ default: '' })
  description!: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags!: string[];

  @TextColumn()
  category!: string;

  @TextColumn()
  level!: CourseLevel;

  @TextColumn()
  language!: string;

  /** Integer minor units (cents): money never touches floating point. */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  price!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @UuidColumn('instructor_id')
  instructorId!: string;

  @TextColumn({ default: 'draft' })
  status!: CourseStatus;

  @Column({ name: 'enrolment_count', type: 'integer', default: 0 })
  enrolmentCount!: number;

  /**
   * Sum and count of the ratings of the course's reviews (issue 15), changed only by review writes
   * in their transaction (`CoursesRepository.adjustRating`), never by a save of the entity.
   */
  @Column({ name: 'rating_sum', type: 'bigint', transformer: bigintAsNumber, insert: false, update: false })
  ratingSum!: number;

  @Column({ name: 'rating_count', type: 'integer', insert: false, update: false })
  ratingCount!: number;

  @TimestampColumn('published_at', { nullable: true })
  publishedAt!: Date | null;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;

  /**
   * Raised by a trigger on every UPDATE of the row (enrolment counts included), never written by
   * the application: the `ETag` of `GET /courses/:id` is derived from it.
   */
  @Column({ type: 'integer', default: 1, insert: false, update: false })
  version!: number;
}

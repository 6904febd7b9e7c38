import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type ValueTransformer,
} from 'typeorm';
import type { CourseLevel, CourseStatus } from '../course.constants';

/** `bigint` columns come back from pg as strings; prices and counts stay far below 2^53. */
const bigintAsNumber: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

@Entity({ name: 'courses' })
export class CourseEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  title!: string;

  /** Unique (index `courses_slug_unique`); `GET /courses/:slug` finds a course by it. */
  @Column({ type: 'text' })
  slug!: string;

  @Column({ type: 'text', default: '' })
  summary!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags!: string[];

  @Column({ type: 'text' })
  category!: string;

  @Column({ type: 'text' })
  level!: CourseLevel;

  @Column({ type: 'text' })
  language!: string;

  /** Integer minor units (cents): money never touches floating point. */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  price!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ name: 'instructor_id', type: 'uuid' })
  instructorId!: string;

  @Column({ type: 'text', default: 'draft' })
  status!: CourseStatus;

  @Column({ name: 'enrolment_count', type: 'integer', default: 0 })
  enrolmentCount!: number;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  /**
   * Raised by a trigger on every UPDATE of the row (enrolment counts included), never written by
   * the application: the `ETag` of `GET /courses/:id` is derived from it.
   */
  @Column({ type: 'integer', default: 1, insert: false, update: false })
  version!: number;
}

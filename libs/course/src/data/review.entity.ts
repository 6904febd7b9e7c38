import { CreatedAtColumn, UpdatedAtColumn, UuidColumn, UuidPrimaryKey } from '@coursehub/core';
import { Column, Entity } from 'typeorm';

/**
 * A learner's rating (1..5) of a course with an optional comment; one per learner and course
 * (index `course_reviews_one_per_author`). `authorId` is null once the learner's account is erased:
 * the review stays, shown as a former learner's, and still counts in the course's rating.
 */
@Entity({ name: 'course_reviews' })
export class ReviewEntity {
  @UuidPrimaryKey()
  id!: string;

  @UuidColumn('course_id')
  courseId!: string;

  @UuidColumn('author_id', { nullable: true })
  authorId!: string | null;

  @Column({ type: 'smallint' })
  rating!: number;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

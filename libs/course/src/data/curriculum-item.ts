import { CreatedAtColumn, TextColumn, UpdatedAtColumn, UuidColumn, UuidPrimaryKey } from '@coursehub/core';
import { Column } from 'typeorm';

/**
 * What the rows of a course's curriculum (sections and lessons) have in common: their course, a
 * title and a 1-based position among their siblings, dense and unique.
 */
export abstract class CurriculumItem {
  @UuidPrimaryKey()
  id!: string;

  @UuidColumn('course_id')
  courseId!: string;

  @TextColumn()
  title!: string;

  @Column({ type: 'integer' })
  position!: number;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

import { TimestampColumn, UuidColumn } from '@coursehub/core';
import { Entity, PrimaryColumn } from 'typeorm';

/** One lesson a learner completed. Deleting the lesson deletes its completions (ON DELETE CASCADE). */
@Entity({ name: 'course_lesson_completions' })
export class LessonCompletionEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @PrimaryColumn({ name: 'lesson_id', type: 'uuid' })
  lessonId!: string;

  @UuidColumn('course_id')
  courseId!: string;

  @TimestampColumn('completed_at')
  completedAt!: Date;
}

/**
 * A learner's activity in one course: the row every completion and undo of the course upserts
 * first, which both records the last activity and serialises the learner's changes to the course.
 */
@Entity({ name: 'course_learner_progress' })
export class LearnerProgressEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @PrimaryColumn({ name: 'course_id', type: 'uuid' })
  courseId!: string;

  @TimestampColumn('last_activity_at')
  lastActivityAt!: Date;
}

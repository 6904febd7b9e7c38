import { TextColumn, UuidColumn } from '@coursehub/core';
import { Column, Entity } from 'typeorm';
import { CurriculumItem } from './curriculum-item';

/** What a lesson is: a Markdown article or a video (with an optional Markdown body). */
export const LESSON_KINDS = ['article', 'video'] as const;
export type LessonKind = (typeof LESSON_KINDS)[number];

/**
 * One lesson of a section. `course_id` repeats the section's course so that a lesson is found and
 * checked against its course in one lookup. Positions are 1, 2, 3, ... within the section, dense
 * and unique (`course_lessons_position_unique`, deferred like the sections').
 */
@Entity({ name: 'course_lessons' })
export class LessonEntity extends CurriculumItem {
  @UuidColumn('section_id')
  sectionId!: string;

  @TextColumn()
  kind!: LessonKind;

  /** The Markdown as the author wrote it. */
  @TextColumn({ default: '' })
  body!: string;

  /** `body` rendered to sanitised HTML when it was written (see domain/markdown.ts). */
  @TextColumn({ default: '' })
  html!: string;

  /** An https URL, or null. */
  @TextColumn({ name: 'video_url', nullable: true })
  videoUrl!: string | null;

  @Column({ name: 'duration_seconds', type: 'integer', default: 0 })
  durationSeconds!: number;

  /** Preview lessons of a published course are open to everyone. */
  @Column({ type: 'boolean', default: false })
  preview!: boolean;
}

import { FeatureTransactions, InjectFeatureTransactions } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { COURSE_FEATURE } from '../course.constants';
import { CurriculumItemsRepository } from './curriculum-items.repository';
import { LessonEntity } from './lesson.entity';

/** A lesson without its body and HTML: what curricula, progress and navigation need. */
export type LessonOutline = Pick<
  LessonEntity,
  'id' | 'courseId' | 'sectionId' | 'title' | 'kind' | 'durationSeconds' | 'preview' | 'position'
>;

const OUTLINE_COLUMNS = `l.id, l.course_id AS "courseId", l.section_id AS "sectionId", l.title, l.kind,
  l.duration_seconds AS "durationSeconds", l.preview, l.position`;

/**
 * Every query of `course_lessons`. Positions are written only by {@link setOrder}, by callers that
 * hold the curriculum lock (SectionsRepository.lockCurriculum) in the same transaction.
 */
@Injectable()
export class LessonsRepository extends CurriculumItemsRepository<LessonEntity> {
  constructor(@InjectFeatureTransactions(COURSE_FEATURE) transactions: FeatureTransactions) {
    super(transactions, LessonEntity);
  }

  /** The course's lessons in reading order: by section position, then lesson position. */
  listForCourse(courseId: string): Promise<LessonOutline[]> {
    if (!isUUID(courseId)) return Promise.resolve([]);
    return this.transactions.tx.query<LessonOutline[]>(
      `SELECT ${OUTLINE_COLUMNS}
         FROM course_lessons l JOIN course_sections s ON s.id = l.section_id
        WHERE l.course_id = $1
        ORDER BY s.position, l.position`,
      [courseId],
    );
  }

  /** How many lessons the course has. */
  async countForCourse(courseId: string): Promise<number> {
    if (!isUUID(courseId)) return 0;
    return this.items.countBy({ courseId });
  }

  /** The ids of the section's lessons in position order. */
  async idsInSection(sectionId: string): Promise<string[]> {
    const rows = await this.items.find({
      select: { id: true },
      where: { sectionId },
      order: { position: 'ASC' },
    });
    return rows.map((row) => row.id);
  }

  async countInSection(sectionId: string): Promise<number> {
    return this.items.countBy({ sectionId });
  }

  /**
   * Puts the lessons `orderedIds` into the section at positions 1..n in that order (moving any of
   * them from another section of the same course).
   */
  async setOrder(sectionId: string, orderedIds: readonly string[]): Promise<void> {
    if (orderedIds.length === 0) return;
    await this.transactions.tx.query(
      `UPDATE course_lessons l SET section_id = $2, position = o.position
         FROM unnest($1::uuid[]) WITH ORDINALITY AS o(id, position)
        WHERE l.id = o.id AND (l.section_id <> $2 OR l.position <> o.position)`,
      [orderedIds, sectionId],
    );
  }
}

import { FeatureTransactions, InjectFeatureTransactions } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { COURSE_FEATURE } from '../course.constants';
import { CurriculumItemsRepository } from './curriculum-items.repository';
import { SectionEntity } from './section.entity';

/** Every query of `course_sections`, and the lock that serialises a course's curriculum edits. */
@Injectable()
export class SectionsRepository extends CurriculumItemsRepository<SectionEntity> {
  constructor(@InjectFeatureTransactions(COURSE_FEATURE) transactions: FeatureTransactions) {
    super(transactions, SectionEntity);
  }

  /**
   * Locks the course's curriculum until the surrounding transaction ends: every edit of sections or
   * lessons takes it first, so edits of one course run one after another and each renumbers from
   * what the previous one committed. `FOR NO KEY UPDATE` on the course row, which neither blocks
   * readers nor the foreign-key checks of new enrolments. False when the course does not exist.
   */
  async lockCurriculum(courseId: string): Promise<boolean> {
    const rows = await this.transactions.tx.query<unknown[]>(
      'SELECT 1 FROM courses WHERE id = $1 FOR NO KEY UPDATE',
      [courseId],
    );
    return rows.length > 0;
  }

  /** The course's sections in position order. */
  listForCourse(courseId: string): Promise<SectionEntity[]> {
    if (!isUUID(courseId)) return Promise.resolve([]);
    return this.items.find({ where: { courseId }, order: { position: 'ASC' } });
  }

  /** Gives the course's sections `orderedIds` positions 1..n in that order. */
  async setOrder(courseId: string, orderedIds: readonly string[]): Promise<void> {
    if (orderedIds.length === 0) return;
    await this.transactions.tx.query(
      `UPDATE course_sections s SET position = o.position
         FROM unnest($1::uuid[]) WITH ORDINALITY AS o(id, position)
        WHERE s.id = o.id AND s.course_id = $2 AND s.position <> o.position`,
      [orderedIds, courseId],
    );
  }
}

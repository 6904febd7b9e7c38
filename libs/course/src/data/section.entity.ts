import { Entity } from 'typeorm';
import { CurriculumItem } from './curriculum-item';

/**
 * One section of a course's curriculum. Positions are 1, 2, 3, ... within the course, dense and
 * unique (`course_sections_position_unique`, deferred to the end of the transaction that renumbers).
 */
@Entity({ name: 'course_sections' })
export class SectionEntity extends CurriculumItem {}

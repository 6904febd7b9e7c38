import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OrderStatus } from '../order.constants';

/**
 * An enrolment of a user in a course, with a snapshot of the course's title and price at the
 * time of ordering (later course edits do not change what was bought).
 */
@Entity({ name: 'orders' })
export class OrderEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'course_id', type: 'uuid' })
  courseId!: string;

  @Column({ name: 'course_title', type: 'text' })
  courseTitle!: string;

  /** Integer minor units (cents); 0 for a free course. */
  @Column({ type: 'integer' })
  price!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'text' })
  status!: OrderStatus;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;
}

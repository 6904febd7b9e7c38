import { TextColumn, TimestampColumn, UuidColumn } from '@coursehub/core';
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

  @UuidColumn('user_id')
  userId!: string;

  @UuidColumn('course_id')
  courseId!: string;

  @TextColumn({ name: 'course_title' })
  courseTitle!: string;

  /** Integer minor units (cents); 0 for a free course. */
  @Column({ type: 'integer' })
  price!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @TextColumn()
  status!: OrderStatus;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;

  @TimestampColumn('cancelled_at', { nullable: true })
  cancelledAt!: Date | null;
}

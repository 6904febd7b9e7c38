import { CreatedAtColumn, TimestampColumn, UuidColumn } from '@coursehub/core';
import { Entity, PrimaryColumn } from 'typeorm';

/**
 * One student owning one course through one confirmed order: what enrolment counts and the
 * recommender's co-enrolment data are made of. A cancellation keeps the row (cancelled_at set).
 */
@Entity({ name: 'course_enrolments' })
export class EnrolmentEntity {
  @PrimaryColumn({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @UuidColumn('user_id')
  userId!: string;

  @UuidColumn('course_id')
  courseId!: string;

  @CreatedAtColumn('enrolled_at')
  enrolledAt!: Date;

  @TimestampColumn('cancelled_at', { nullable: true })
  cancelledAt!: Date | null;
}

import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * One student owning one course through one confirmed order: what enrolment counts and the
 * recommender's co-enrolment data are made of. A cancellation keeps the row (cancelled_at set).
 */
@Entity({ name: 'course_enrolments' })
export class EnrolmentEntity {
  @PrimaryColumn({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'course_id', type: 'uuid' })
  courseId!: string;

  @CreateDateColumn({ name: 'enrolled_at', type: 'timestamptz' })
  enrolledAt!: Date;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;
}

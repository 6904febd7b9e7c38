import { TextColumn, TimestampColumn, UuidColumn, UuidPrimaryKey } from '@coursehub/core';
import { Entity } from 'typeorm';

/**
 * Proof that a learner completed every lesson of a course, issued once per learner and course
 * (index `course_certificates_one_per_learner`) and never revoked. The course title and the
 * learner's name are kept as they were at completion; once the learner's account is erased,
 * `userId` and `learnerName` are null and the certificate names a former learner.
 */
@Entity({ name: 'course_certificates' })
export class CertificateEntity {
  @UuidPrimaryKey()
  id!: string;

  @UuidColumn('course_id')
  courseId!: string;

  @UuidColumn('user_id', { nullable: true })
  userId!: string | null;

  @TextColumn({ name: 'course_title' })
  courseTitle!: string;

  @TextColumn({ name: 'learner_name', nullable: true })
  learnerName!: string | null;

  @TimestampColumn('completed_at')
  completedAt!: Date;
}

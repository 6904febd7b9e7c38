import { FeatureTransactions, InjectFeatureTransactions } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import type { Repository } from 'typeorm';
import { COURSE_FEATURE } from '../course.constants';
import { CertificateEntity } from './certificate.entity';

/** A certificate as anyone may verify it. Names are null when not known (or erased). */
export interface CertificateView {
  id: string;
  courseId: string;
  courseTitle: string;
  /** The learner's current display name, else the one at completion; null once erased. */
  learnerName: string | null;
  /** Null once the learner's account was erased. */
  userId: string | null;
  instructorName: string | null;
  completedAt: Date;
}

/** What a certificate is issued with. */
export interface NewCertificate {
  courseId: string;
  userId: string;
  courseTitle: string;
  learnerName: string | null;
}

/** Every query of `course_certificates`. */
@Injectable()
export class CertificatesRepository {
  constructor(
    @InjectFeatureTransactions(COURSE_FEATURE) private readonly transactions: FeatureTransactions,
  ) {}

  private get certificates(): Repository<CertificateEntity> {
    return this.transactions.tx.getRepository(CertificateEntity);
  }

  /**
   * Issues the learner's certificate of the course, or returns null when they already hold one:
   * the unique index decides, so two transactions completing the course at once issue one.
   */
  async issue(certificate: NewCertificate): Promise<CertificateEntity | null> {
    const [row] = await this.transactions.tx.query<{ id: string }[]>(
      `INSERT INTO course_certificates (course_id, user_id, course_title, learner_name)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (course_id, user_id) DO NOTHING RETURNING id`,
      [certificate.courseId, certificate.userId, certificate.courseTitle, certificate.learnerName],
    );
    return row ? this.certificates.findOneByOrFail({ id: row.id }) : null;
  }

  findForLearner(userId: string, courseId: string): Promise<CertificateEntity | null> {
    return this.certificates.findOneBy({ userId, courseId });
  }

  /** The public view of a certificate, or null (also for an id that is not a uuid). */
  async findView(id: string): Promise<CertificateView | null> {
    if (!isUUID(id)) return null;
    const [row] = await this.transactions.tx.query<CertificateView[]>(
      `SELECT cert.id, cert.course_id AS "courseId", cert.course_title AS "courseTitle",
              COALESCE(learner.display_name, cert.learner_name) AS "learnerName",
              cert.user_id AS "userId", instructor.display_name AS "instructorName",
              cert.completed_at AS "completedAt"
         FROM course_certificates cert
         JOIN courses c ON c.id = cert.course_id
         LEFT JOIN course_user_profiles learner ON learner.user_id = cert.user_id
         LEFT JOIN course_user_profiles instructor ON instructor.user_id = c.instructor_id
        WHERE cert.id = $1`,
      [id],
    );
    return row ?? null;
  }

  /** The user's certificates, newest first (their data export). */
  listForUser(userId: string): Promise<CertificateEntity[]> {
    return this.certificates.find({ where: { userId }, order: { completedAt: 'DESC', id: 'ASC' } });
  }

  /**
   * Erasure: the user's certificates stay (they were issued) but no longer say whose they are.
   * Returns how many were anonymised.
   */
  async anonymiseLearner(userId: string): Promise<number> {
    const [, affected] = await this.transactions.tx.query<[unknown[], number]>(
      `UPDATE course_certificates SET user_id = NULL, learner_name = NULL WHERE user_id = $1`,
      [userId],
    );
    return affected;
  }
}

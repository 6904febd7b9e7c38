import { NotFoundError } from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { CertificatesRepository } from '../data/certificates.repository';

/** The name a certificate shows once its learner's account was erased. */
export const FORMER_LEARNER_NAME = 'Former learner';

/** A certificate as anyone may verify it (`GET /certificates/:id`). */
export interface PublicCertificate {
  id: string;
  courseId: string;
  courseTitle: string;
  learnerName: string;
  completedAt: Date;
  /** Null when the instructor's name is not known (yet) or their account was erased. */
  instructorName: string | null;
}

/** Public verification of issued certificates: no token, no personal data beyond the names shown. */
@Injectable()
export class CertificatesService {
  constructor(private readonly certificates: CertificatesRepository) {}

  async publicView(id: string): Promise<PublicCertificate> {
    const view = await this.certificates.findView(id);
    if (!view) throw new NotFoundError('Certificate not found');
    return {
      id: view.id,
      courseId: view.courseId,
      courseTitle: view.courseTitle,
      learnerName: (view.userId !== null ? view.learnerName : null) ?? FORMER_LEARNER_NAME,
      completedAt: view.completedAt,
      instructorName: view.instructorName,
    };
  }
}

import { type EnvelopeOf, userDeleted, userRegistered, userUpdated } from '@coursehub/contracts';
import { FeatureTransactions, InjectFeatureTransactions, PersonalDataExports } from '@coursehub/core';
import { ProcessedEvents } from '@coursehub/messaging';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { COURSE_FEATURE } from '../course.constants';
import { CertificatesRepository } from '../data/certificates.repository';
import { EnrolmentsRepository } from '../data/enrolments.repository';
import { ProgressRepository } from '../data/progress.repository';
import { ReviewsRepository } from '../data/reviews.repository';
import { UserProfilesRepository } from '../data/user-profiles.repository';

/** Consumer name under which processed account events are recorded (idempotency key scope). */
export const LEARNER_CONSUMER = 'course.learners';

/**
 * What the course service knows about people, from the account events: their display names (a
 * projection for certificates and reviews), erasure on `user.deleted`, and the course section of
 * `GET /me/export`.
 */
@Injectable()
export class LearnersService implements OnModuleInit {
  private readonly logger = new Logger(LearnersService.name);

  constructor(
    private readonly profiles: UserProfilesRepository,
    private readonly progress: ProgressRepository,
    private readonly certificates: CertificatesRepository,
    private readonly enrolments: EnrolmentsRepository,
    private readonly reviews: ReviewsRepository,
    private readonly processedEvents: ProcessedEvents,
    @InjectFeatureTransactions(COURSE_FEATURE) private readonly transactions: FeatureTransactions,
    private readonly exports: PersonalDataExports,
  ) {}

  onModuleInit(): void {
    this.exports.register(COURSE_FEATURE, (userId) => this.exportFor(userId));
  }

  /** `user.registered` / `user.updated`: the display name as of the event (older events change nothing). */
  async recordProfile(
    envelope: EnvelopeOf<typeof userRegistered> | EnvelopeOf<typeof userUpdated>,
  ): Promise<void> {
    const { userId, displayName } = envelope.data;
    await this.processedEvents.runOnce(LEARNER_CONSUMER, envelope, async () => {
      const from = envelope.type === userRegistered.type ? 'registration' : 'update';
      await this.profiles.upsert(userId, displayName, new Date(envelope.occurredAt), from);
    });
  }

  /**
   * `user.deleted`: the learner's progress and projection row go (the id is remembered as erased,
   * so a later account event cannot bring the name back); certificates stay issued but no longer
   * name them; reviews stay (and keep counting in ratings) as a former learner's. Orders'
   * enrolments stay: they hold an opaque id, no personal data, and keep enrolment counts exact.
   */
  async erase(envelope: EnvelopeOf<typeof userDeleted>): Promise<void> {
    const { userId } = envelope.data;
    await this.processedEvents.runOnce(LEARNER_CONSUMER, envelope, async () => {
      const completions = await this.progress.deleteForUser(userId);
      const certificates = await this.certificates.anonymiseLearner(userId);
      const reviews = await this.reviews.anonymiseAuthor(userId);
      await this.profiles.erase(userId);
      this.logger.log({ eventId: envelope.id, completions, certificates, reviews }, 'erased a deleted user');
    });
  }

  /** Everything the course service holds about the user (their `course` section of `GET /me/export`). */
  exportFor(userId: string): Promise<Record<string, unknown>> {
    return this.transactions.withTransaction(async () => ({
      profile: await this.profileOf(userId),
      enrolments: await this.enrolments.listForUser(userId),
      progress: await this.progress.listForUser(userId),
      certificates: (await this.certificates.listForUser(userId)).map((certificate) => ({
        id: certificate.id,
        courseId: certificate.courseId,
        courseTitle: certificate.courseTitle,
        learnerName: certificate.learnerName,
        completedAt: certificate.completedAt,
      })),
      reviews: await this.reviews.listByAuthor(userId),
    }));
  }

  private async profileOf(userId: string): Promise<{ displayName: string } | null> {
    const displayName = await this.profiles.displayNameOf(userId);
    return displayName === null ? null : { displayName };
  }
}

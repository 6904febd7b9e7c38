import { type EnvelopeOf, orderCancelled, orderConfirmed } from '@coursehub/contracts';
import { ProcessedEvents } from '@coursehub/messaging';
import { Injectable, Logger } from '@nestjs/common';
import { ENROLMENT_CONSUMER } from '../course.constants';
import { CoursesRepository } from '../data/courses.repository';
import { EnrolmentsRepository } from '../data/enrolments.repository';
import { RecommendationsService } from './recommendations.service';

/**
 * Applies order events to enrolments. Two layers make a redelivery harmless: the event id is
 * recorded with the effect (`runOnce`), and the enrolment is keyed by order id, so even the same
 * order announced by a different event changes the count once.
 */
@Injectable()
export class EnrolmentsService {
  private readonly logger = new Logger(EnrolmentsService.name);

  constructor(
    private readonly enrolments: EnrolmentsRepository,
    private readonly courses: CoursesRepository,
    private readonly processedEvents: ProcessedEvents,
    private readonly recommendations: RecommendationsService,
  ) {}

  /** `order.confirmed`: the student owns the course. Returns whether anything changed. */
  async confirm(envelope: EnvelopeOf<typeof orderConfirmed>): Promise<boolean> {
    const { orderId, userId, courseId } = envelope.data;
    let enrolled = false;
    await this.processedEvents.runOnce(ENROLMENT_CONSUMER, envelope, async () => {
      if (!(await this.enrolments.enrol(orderId, userId, courseId))) return;
      await this.courses.incrementEnrolmentCount(courseId);
      enrolled = true;
    });
    if (enrolled) this.recommendations.enrolled(userId, courseId);
    else
      this.logger.debug(
        { orderId, eventId: envelope.id },
        'order.confirmed changed nothing (repeat or unknown course)',
      );
    return enrolled;
  }

  /** `order.cancelled`: the enrolment ends (the row stays, marked cancelled). Returns whether anything changed. */
  async cancel(envelope: EnvelopeOf<typeof orderCancelled>): Promise<boolean> {
    const { orderId, userId, courseId } = envelope.data;
    let cancelled = false;
    let stillEnrolled = false;
    await this.processedEvents.runOnce(ENROLMENT_CONSUMER, envelope, async () => {
      if (!(await this.enrolments.cancel(orderId, userId, courseId))) return;
      await this.courses.decrementEnrolmentCount(courseId);
      // Another order of the same course keeps the student enrolled (and in the recommender).
      stillEnrolled = await this.enrolments.isEnrolled(userId, courseId);
      cancelled = true;
    });
    if (cancelled && !stillEnrolled) this.recommendations.unenrolled(userId, courseId);
    return cancelled;
  }
}

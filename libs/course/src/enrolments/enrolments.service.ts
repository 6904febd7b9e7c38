import { EventData, EventEnvelope, orderCancelled, orderConfirmed } from '@coursehub/contracts';
import { runOnce } from '@coursehub/messaging';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { COURSE_DATA_SOURCE, ENROLMENT_CONSUMER } from '../course.constants';
import { RecommendationsService } from '../recommendations-service/recommendations.service';

/**
 * Applies order events to enrolments. Two layers make a redelivery harmless: the event id is
 * recorded with the effect (`runOnce`), and the enrolment is keyed by order id, so even the same
 * order announced by a different event changes the count once.
 */
@Injectable()
export class EnrolmentsService {
  private readonly logger = new Logger(EnrolmentsService.name);

  constructor(
    @InjectDataSource(COURSE_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly recommendations: RecommendationsService,
  ) {}

  /** `order.confirmed`: the student owns the course. Returns whether anything changed. */
  async confirm(envelope: EventEnvelope<EventData<typeof orderConfirmed>>): Promise<boolean> {
    const { orderId, userId, courseId } = envelope.data;
    let enrolled = false;
    await runOnce(this.dataSource, ENROLMENT_CONSUMER, envelope, async (manager) => {
      // A cancellation that overtook its confirmation left a cancelled row: the insert is then a no-op.
      const inserted = await manager.query<unknown[]>(
        `INSERT INTO course_enrolments (order_id, user_id, course_id)
         SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM courses WHERE id = $3)
         ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
        [orderId, userId, courseId],
      );
      if (inserted.length === 0) return;
      await manager.query('UPDATE courses SET enrolment_count = enrolment_count + 1 WHERE id = $1', [
        courseId,
      ]);
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
  async cancel(envelope: EventEnvelope<EventData<typeof orderCancelled>>): Promise<boolean> {
    const { orderId, userId, courseId } = envelope.data;
    let cancelled = false;
    let stillEnrolled = false;
    await runOnce(this.dataSource, ENROLMENT_CONSUMER, envelope, async (manager) => {
      // One statement, so a confirmation handled at the same moment (another replica) cannot slip
      // between a check and a write: either this ends the active enrolment, or it leaves a
      // cancelled row that makes a later confirmation a no-op. `xmax = 0` tells an insert apart.
      const [row] = await manager.query<{ inserted: boolean }[]>(
        `INSERT INTO course_enrolments (order_id, user_id, course_id, cancelled_at)
         SELECT $1, $2, $3, now() WHERE EXISTS (SELECT 1 FROM courses WHERE id = $3)
         ON CONFLICT (order_id) DO UPDATE SET cancelled_at = now()
           WHERE course_enrolments.cancelled_at IS NULL
         RETURNING (xmax = 0) AS inserted`,
        [orderId, userId, courseId],
      );
      if (!row || row.inserted) return;
      await manager.query(
        'UPDATE courses SET enrolment_count = GREATEST(enrolment_count - 1, 0) WHERE id = $1',
        [courseId],
      );
      const others = await manager.query<unknown[]>(
        `SELECT 1 FROM course_enrolments WHERE user_id = $1 AND course_id = $2 AND cancelled_at IS NULL LIMIT 1`,
        [userId, courseId],
      );
      stillEnrolled = others.length > 0;
      cancelled = true;
    });
    if (cancelled && !stillEnrolled) this.recommendations.unenrolled(userId, courseId);
    return cancelled;
  }
}

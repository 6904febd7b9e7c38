import {
  courseGet,
  type CourseSnapshot,
  courseSnapshotSchema,
  type EnvelopeOf,
  orderCancelled,
  orderConfirmed,
  ReplyOf,
  RequestOf,
  userDeleted,
  userRegistered,
  userUpdated,
} from '@coursehub/contracts';
import { AnswerRequest, ConsumeEvent } from '@coursehub/messaging';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { pick } from 'es-toolkit';
import type { CourseEntity } from '../data/course.entity';
import { CoursesService } from '../domain/courses.service';
import { EnrolmentsService } from '../domain/enrolments.service';
import { LearnersService } from '../domain/learners.service';

/** The `course.get` reply: what the order service snapshots into an order (the contract's fields). */
function toCourseSnapshot(course: CourseEntity): CourseSnapshot {
  return pick(course, courseSnapshotSchema.keyof().options);
}

/**
 * The course feature on the message bus: answers `course.get`, learns enrolments from order events,
 * and display names and erasures from account events.
 */
@Controller()
export class CourseMessageHandlers {
  constructor(
    private readonly courses: CoursesService,
    private readonly enrolments: EnrolmentsService,
    private readonly learners: LearnersService,
  ) {}

  /** Same lookup as `GET /courses/:id`; the order service decides what a non-published course means. */
  @AnswerRequest(courseGet)
  async getCourse(@Payload() request: RequestOf<typeof courseGet>): Promise<ReplyOf<typeof courseGet>> {
    const course = await this.courses.findByIdOrSlug(request.courseId);
    return course ? { found: true, course: toCourseSnapshot(course) } : { found: false };
  }

  @ConsumeEvent(orderConfirmed)
  async onOrderConfirmed(@Payload() envelope: EnvelopeOf<typeof orderConfirmed>): Promise<void> {
    await this.enrolments.confirm(envelope);
  }

  @ConsumeEvent(orderCancelled)
  async onOrderCancelled(@Payload() envelope: EnvelopeOf<typeof orderCancelled>): Promise<void> {
    await this.enrolments.cancel(envelope);
  }

  @ConsumeEvent(userRegistered)
  async onUserRegistered(@Payload() envelope: EnvelopeOf<typeof userRegistered>): Promise<void> {
    await this.learners.recordProfile(envelope);
  }

  @ConsumeEvent(userUpdated)
  async onUserUpdated(@Payload() envelope: EnvelopeOf<typeof userUpdated>): Promise<void> {
    await this.learners.recordProfile(envelope);
  }

  /** Erasure of the user's course data (progress, names; certificates and reviews anonymised). */
  @ConsumeEvent(userDeleted)
  async onUserDeleted(@Payload() envelope: EnvelopeOf<typeof userDeleted>): Promise<void> {
    await this.learners.erase(envelope);
  }
}

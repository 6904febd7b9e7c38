import {
  courseGet,
  type CourseSnapshot,
  courseSnapshotSchema,
  orderCancelled,
  orderConfirmed,
  ReplyOf,
  RequestOf,
  userDeleted,
  userRegistered,
  userUpdated,
} from '@coursehub/contracts';
import { AnswerRequest, consumeEvents, eventRoute } from '@coursehub/messaging';
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

  // Each event is only handed to its domain call, so they are a table: one `@ConsumeEvent` method
  // each (see consumeEvents), declared in the class body to reach its private services.
  static {
    consumeEvents<CourseMessageHandlers>(this, {
      onOrderConfirmed: eventRoute(orderConfirmed, (h, e) => h.enrolments.confirm(e)),
      onOrderCancelled: eventRoute(orderCancelled, (h, e) => h.enrolments.cancel(e)),
      onUserRegistered: eventRoute(userRegistered, (h, e) => h.learners.recordProfile(e)),
      onUserUpdated: eventRoute(userUpdated, (h, e) => h.learners.recordProfile(e)),
      // Erasure of the user's course data (progress, names; certificates and reviews anonymised).
      onUserDeleted: eventRoute(userDeleted, (h, e) => h.learners.erase(e)),
    });
  }
}

import {
  courseGet,
  type CourseSnapshot,
  type EnvelopeOf,
  orderCancelled,
  orderConfirmed,
  ReplyOf,
  RequestOf,
} from '@coursehub/contracts';
import { AnswerRequest, ConsumeEvent } from '@coursehub/messaging';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { CourseEntity } from '../data/course.entity';
import { CoursesService } from '../domain/courses.service';
import { EnrolmentsService } from '../domain/enrolments.service';

/** The `course.get` reply: what the order service snapshots into an order. */
function toCourseSnapshot(course: CourseEntity): CourseSnapshot {
  return {
    id: course.id,
    slug: course.slug,
    title: course.title,
    status: course.status,
    instructorId: course.instructorId,
    category: course.category,
    tags: course.tags,
    price: course.price,
    currency: course.currency,
  };
}

/** The course feature on the message bus: answers `course.get`, learns enrolments from order events. */
@Controller()
export class CourseMessageHandlers {
  constructor(
    private readonly courses: CoursesService,
    private readonly enrolments: EnrolmentsService,
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
}

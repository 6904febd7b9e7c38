import { courseGet, CourseSnapshot } from '@coursehub/contracts';
import { counter } from '@coursehub/core';
import { MessageBus } from '@coursehub/messaging';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { OrderEnv } from '../order.env';
import { CourseCatalog, CourseCatalogUnavailableError } from '../domain/course-catalog';

/** Course snapshots remembered for stale-if-error answers; the oldest are forgotten first. */
const MAX_REMEMBERED_COURSES = 10_000;

interface RememberedCourse {
  course: CourseSnapshot;
  at: number;
}

/**
 * `course.get` request/reply over whichever transport the app composed (Kafka or in-process),
 * with stale-if-error: the last answer for each course is remembered, and while the course
 * service or the broker is unreachable, orders for a course seen within
 * COURSE_SNAPSHOT_MAX_STALE_MS are placed on that snapshot instead of failing — an outage delays
 * the events, it does not stop enrolments. After a failure the catalogue stops asking for
 * COURSE_CATALOG_BACKOFF_MS (so each order does not wait out a request timeout) and answers known
 * courses from memory (unknown courses are still asked for).
 */
@Injectable()
export class MessageBusCourseCatalog implements CourseCatalog {
  private readonly logger = new Logger('CourseCatalog');
  private readonly timeoutMs: number;
  private readonly maxStaleMs: number;
  private readonly backoffMs: number;
  private readonly remembered = new Map<string, RememberedCourse>();
  private unreachableUntil = 0;
  private readonly staleAnswers = counter({
    name: 'coursehub_order_course_snapshots_stale_total',
    help: 'Orders placed on a remembered course snapshot while the course service was unreachable.',
  });

  constructor(
    private readonly bus: MessageBus,
    config: ConfigService<OrderEnv, true>,
  ) {
    this.timeoutMs = config.get('KAFKA_REQUEST_TIMEOUT_MS', { infer: true });
    this.maxStaleMs = config.get('COURSE_SNAPSHOT_MAX_STALE_MS', { infer: true });
    this.backoffMs = config.get('COURSE_CATALOG_BACKOFF_MS', { infer: true });
  }

  async findCourse(courseId: string): Promise<CourseSnapshot | undefined> {
    const remembered = this.rememberedCourse(courseId);
    if (remembered && Date.now() < this.unreachableUntil) return this.stale(remembered);
    let reply;
    try {
      reply = await this.bus.request(courseGet, { courseId }, { timeoutMs: this.timeoutMs });
    } catch (error) {
      // Timeouts, an unreachable broker and replies failing the contract all mean "ask again later".
      this.unreachableUntil = Date.now() + this.backoffMs;
      if (remembered) return this.stale(remembered);
      throw new CourseCatalogUnavailableError(error);
    }
    if (!reply.found) {
      this.remembered.delete(courseId);
      return undefined;
    }
    this.remember(reply.course);
    return reply.course;
  }

  private remember(course: CourseSnapshot): void {
    this.remembered.delete(course.id);
    this.remembered.set(course.id, { course, at: Date.now() });
    if (this.remembered.size > MAX_REMEMBERED_COURSES) {
      this.remembered.delete(this.remembered.keys().next().value!);
    }
  }

  private rememberedCourse(courseId: string): CourseSnapshot | undefined {
    const remembered = this.remembered.get(courseId);
    return remembered && Date.now() - remembered.at <= this.maxStaleMs ? remembered.course : undefined;
  }

  private stale(course: CourseSnapshot): CourseSnapshot {
    this.staleAnswers.inc();
    this.logger.warn(
      { courseId: course.id },
      'Course service unreachable: ordering on the remembered snapshot',
    );
    return course;
  }
}

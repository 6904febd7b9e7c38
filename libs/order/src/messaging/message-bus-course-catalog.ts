import { courseGet, CourseSnapshot } from '@coursehub/contracts';
import { MessageBus } from '@coursehub/messaging';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { OrderEnv } from '../order.env';
import { CourseCatalog, CourseCatalogUnavailableError } from '../domain/course-catalog';

const DEFAULT_TIMEOUT_MS = 5_000;

/** `course.get` request/reply over whichever transport the app composed (Kafka or in-process). */
@Injectable()
export class MessageBusCourseCatalog implements CourseCatalog {
  private readonly timeoutMs: number;

  constructor(
    private readonly bus: MessageBus,
    config: ConfigService<OrderEnv, true>,
  ) {
    this.timeoutMs = config.get('KAFKA_REQUEST_TIMEOUT_MS', { infer: true }) ?? DEFAULT_TIMEOUT_MS;
  }

  async findCourse(courseId: string): Promise<CourseSnapshot | undefined> {
    let reply;
    try {
      reply = await this.bus.request(courseGet, { courseId }, { timeoutMs: this.timeoutMs });
    } catch (error) {
      // Timeouts, an unreachable broker and replies failing the contract all mean "ask again later".
      throw new CourseCatalogUnavailableError(error);
    }
    return reply.found ? reply.course : undefined;
  }
}

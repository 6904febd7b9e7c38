import { courseGet, CourseSnapshot, ReplyOf, RequestOf } from '@coursehub/contracts';
import { AnswerRequest, defineFeature, FeatureModule } from '@coursehub/messaging';
import { Controller, Injectable, Provider, Type } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';

/** The course service as the order feature sees it: `course.get` answers from memory. */
@Injectable()
export class InMemoryCourseCatalogue {
  readonly courses = new Map<string, CourseSnapshot>();
  /** While false, `course.get` fails as a course service that is down. */
  answering = true;

  add(input: { title: string; price: number; status?: CourseSnapshot['status'] }): CourseSnapshot {
    const course: CourseSnapshot = {
      id: randomUUID(),
      slug: `${input.title.toLowerCase().replace(/\W+/g, '-')}-${randomUUID().slice(0, 8)}`,
      title: input.title,
      status: input.status ?? 'published',
      instructorId: randomUUID(),
      category: 'development',
      tags: ['testing'],
      price: input.price,
      currency: 'EUR',
    };
    this.courses.set(course.id, course);
    return course;
  }
}

@Controller()
class CourseStubHandlers {
  constructor(private readonly catalogue: InMemoryCourseCatalogue) {}

  @AnswerRequest(courseGet)
  answer(@Payload() request: RequestOf<typeof courseGet>): ReplyOf<typeof courseGet> {
    if (!this.catalogue.answering) throw new Error('course service down');
    const course = this.catalogue.courses.get(request.courseId);
    return course ? { found: true, course } : { found: false };
  }
}

/**
 * A stand-in course feature without a database: answers `course.get` from the
 * `InMemoryCourseCatalogue` and consumes nothing else, unless a test adds its own handlers.
 */
export class CourseStubModule {
  static register(extra: { controllers?: Type[]; providers?: Provider[] } = {}): FeatureModule {
    return defineFeature(CourseStubModule, {
      name: 'course-stub',
      consumesMessages: true,
      controllers: [CourseStubHandlers, ...(extra.controllers ?? [])],
      providers: [InMemoryCourseCatalogue, ...(extra.providers ?? [])],
    });
  }
}

import { coursePublished } from '@coursehub/contracts';
import type { AuthenticatedUser } from '@coursehub/core';
import { Outbox } from '@coursehub/messaging';
import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager, QueryFailedError, Repository } from 'typeorm';
import { COURSE_DATA_SOURCE } from '../course.constants';
import { CreateCourseDto, ListCoursesQueryDto, UpdateCourseDto } from '../dto/course.dto';
import { RecommendationsService } from '../recommendations-service/recommendations.service';
import { CoursePage, searchCourses } from './course-search';
import { CourseEntity } from './course.entity';
import { canManage, canView } from './course.mapper';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isSlugConflict(error: unknown): boolean {
  const driverError =
    error instanceof QueryFailedError
      ? (error.driverError as { code?: string; constraint?: string })
      : undefined;
  return driverError?.code === '23505' && driverError.constraint === 'courses_slug_unique';
}

/** A URL slug from a title: ASCII letters and digits joined by hyphens (accents folded). */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100)
    .replace(/-+$/g, '');
  return slug || 'course';
}

@Injectable()
export class CoursesService {
  private readonly courses: Repository<CourseEntity>;

  constructor(
    @InjectDataSource(COURSE_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly recommendations: RecommendationsService,
  ) {
    this.courses = dataSource.getRepository(CourseEntity);
  }

  async create(input: CreateCourseDto, caller: AuthenticatedUser): Promise<CourseEntity> {
    const base = {
      ...input,
      summary: input.summary ?? '',
      description: input.description ?? '',
      tags: input.tags ?? [],
    };
    let course: CourseEntity;
    if (input.slug) {
      course = await this.insert({ ...base, slug: input.slug, instructorId: caller.id });
    } else {
      // A derived slug that is taken gets a short random suffix instead of a 409 the caller never asked for.
      const derived = slugify(input.title);
      course = await this.insert({ ...base, slug: derived, instructorId: caller.id }).catch(
        (error: unknown) => {
          if (!(error instanceof ConflictException)) throw error;
          return this.insert({
            ...base,
            slug: `${derived}-${randomBytes(3).toString('hex')}`,
            instructorId: caller.id,
          });
        },
      );
    }
    this.recommendations.courseChanged(course);
    return course;
  }

  private async insert(values: Partial<CourseEntity>): Promise<CourseEntity> {
    try {
      return await this.courses.save(this.courses.create({ ...values, status: 'draft' }));
    } catch (error) {
      if (isSlugConflict(error)) throw new ConflictException(`Slug "${values.slug}" is already taken`);
      throw error;
    }
  }

  /** By id or slug, whatever its status: the one lookup behind `GET /courses/:id` and `course.get`. */
  async findByIdOrSlug(
    idOrSlug: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<CourseEntity | null> {
    const repository = manager.getRepository(CourseEntity);
    return UUID_PATTERN.test(idOrSlug)
      ? repository.findOneBy({ id: idOrSlug.toLowerCase() })
      : repository.findOneBy({ slug: idOrSlug });
  }

  /** A course the caller may see; drafts and archived courses of others do not exist for them (404). */
  async getVisible(idOrSlug: string, caller: AuthenticatedUser | undefined): Promise<CourseEntity> {
    const course = await this.findByIdOrSlug(idOrSlug);
    if (!course || !canView(course, caller)) throw new NotFoundException('Course not found');
    return course;
  }

  list(filters: ListCoursesQueryDto, caller: AuthenticatedUser | undefined): Promise<CoursePage> {
    return searchCourses(this.courses, filters, caller);
  }

  async update(idOrSlug: string, changes: UpdateCourseDto, caller: AuthenticatedUser): Promise<CourseEntity> {
    const course = await this.changeManaged(idOrSlug, caller, async (manager, current) => {
      for (const [field, value] of Object.entries(changes)) {
        if (value !== undefined) Object.assign(current, { [field]: value as unknown });
      }
      try {
        return await manager.save(current);
      } catch (error) {
        if (isSlugConflict(error)) throw new ConflictException(`Slug "${changes.slug}" is already taken`);
        throw error;
      }
    });
    this.recommendations.courseChanged(course);
    return course;
  }

  /** `DELETE` archives: orders and enrolments keep pointing at the course. */
  async archive(idOrSlug: string, caller: AuthenticatedUser): Promise<CourseEntity> {
    const course = await this.changeManaged(idOrSlug, caller, async (manager, current) => {
      if (current.status === 'archived') return current;
      current.status = 'archived';
      return manager.save(current);
    });
    this.recommendations.courseChanged(course);
    return course;
  }

  /** Publishes the course and, in the same transaction, writes `course.published` to the outbox. */
  async publish(idOrSlug: string, caller: AuthenticatedUser): Promise<CourseEntity> {
    const course = await this.changeManaged(idOrSlug, caller, async (manager, current) => {
      if (current.status === 'published') return current; // Publishing twice announces nothing new.
      current.status = 'published';
      current.publishedAt = new Date();
      const saved = await manager.save(current);
      await this.outbox.add(
        manager,
        coursePublished,
        {
          courseId: saved.id,
          title: saved.title,
          instructorId: saved.instructorId,
          tags: saved.tags,
          price: saved.price,
          currency: saved.currency,
        },
        { key: saved.id },
      );
      return saved;
    });
    this.recommendations.courseChanged(course);
    return course;
  }

  /**
   * Runs `change` on the row locked for update, after the permission check: a course the caller
   * cannot see is a 404, one they can see but do not manage a 403.
   */
  private async changeManaged(
    idOrSlug: string,
    caller: AuthenticatedUser,
    change: (manager: EntityManager, course: CourseEntity) => Promise<CourseEntity>,
  ): Promise<CourseEntity> {
    return this.dataSource.transaction(async (manager) => {
      const found = await this.findByIdOrSlug(idOrSlug, manager);
      if (!found || !canView(found, caller)) throw new NotFoundException('Course not found');
      if (!canManage(found, caller))
        throw new ForbiddenException('Only the course instructor or an admin may change it');
      const locked = await manager
        .getRepository(CourseEntity)
        .findOneOrFail({ where: { id: found.id }, lock: { mode: 'pessimistic_write' } });
      return change(manager, locked);
    });
  }
}

import { coursePublished } from '@coursehub/contracts';
import {
  type AuthenticatedUser,
  FeatureTransactions,
  ForbiddenError,
  InjectFeatureTransactions,
  InvalidInputError,
  NotFoundError,
} from '@coursehub/core';
import { Outbox } from '@coursehub/messaging';
import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { COURSE_FEATURE, type CourseLevel, type CourseSort } from '../course.constants';
import type { CourseEntity } from '../data/course.entity';
import {
  type CourseSearchCriteria,
  type CourseSearchPage,
  CoursesRepository,
  SlugTakenError,
} from '../data/courses.repository';
import { canManage, canView } from './course-access';
import { RecommendationsService } from './recommendations.service';

/** What an instructor writes to create a course. */
export interface NewCourse {
  title: string;
  /** Derived from the title when omitted. */
  slug?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  category: string;
  level: CourseLevel;
  language: string;
  price: number;
  currency: string;
}

/** The fields to change; undefined ones stay as they are. */
export type CourseChanges = Partial<NewCourse>;

/** A catalogue query as the caller asked it (see CourseSearchCriteria for what is run). */
export interface CourseListQuery extends Omit<CourseSearchCriteria, 'text' | 'sort'> {
  q?: string;
  /** Default: relevance when there is a search text, newest otherwise. */
  sort?: CourseSort;
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

/**
 * The catalogue's rules: who may create, see and change a course, slugs, publishing (announced
 * with `course.published` in the same transaction), and keeping the recommender told of changes.
 */
@Injectable()
export class CoursesService {
  constructor(
    private readonly courses: CoursesRepository,
    @InjectFeatureTransactions(COURSE_FEATURE) private readonly transactions: FeatureTransactions,
    private readonly outbox: Outbox,
    private readonly recommendations: RecommendationsService,
  ) {}

  async create(input: NewCourse, caller: AuthenticatedUser): Promise<CourseEntity> {
    const base = {
      ...input,
      summary: input.summary ?? '',
      description: input.description ?? '',
      tags: input.tags ?? [],
      instructorId: caller.id,
    };
    let course: CourseEntity;
    if (input.slug) {
      course = await this.courses.insertDraft({ ...base, slug: input.slug });
    } else {
      // A derived slug that is taken gets a short random suffix instead of a 409 the caller never asked for.
      const derived = slugify(input.title);
      course = await this.courses.insertDraft({ ...base, slug: derived }).catch((error: unknown) => {
        if (!(error instanceof SlugTakenError)) throw error;
        return this.courses.insertDraft({ ...base, slug: `${derived}-${randomBytes(3).toString('hex')}` });
      });
    }
    this.recommendations.courseChanged(course);
    return course;
  }

  /** By id or slug, whatever its status: the one lookup behind `GET /courses/:id` and `course.get`. */
  findByIdOrSlug(idOrSlug: string): Promise<CourseEntity | null> {
    return this.courses.findByIdOrSlug(idOrSlug);
  }

  /** A course the caller may see; drafts and archived courses of others do not exist for them (404). */
  async getVisible(idOrSlug: string, caller: AuthenticatedUser | undefined): Promise<CourseEntity> {
    // Anyone sees only published courses: those may come from the public cache.
    const course = caller
      ? await this.courses.findByIdOrSlug(idOrSlug)
      : await this.courses.findPublished(idOrSlug);
    if (!course || !canView(course, caller)) throw new NotFoundError('Course not found');
    return course;
  }

  async list(query: CourseListQuery, caller: AuthenticatedUser | undefined): Promise<CourseSearchPage> {
    const text = query.q?.trim() ? query.q.trim() : undefined;
    const sort: CourseSort = query.sort ?? (text ? 'relevance' : 'newest');
    if (sort === 'relevance' && !text) throw new InvalidInputError('sort=relevance needs a search text (q)');
    if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice) {
      throw new InvalidInputError('minPrice must not exceed maxPrice');
    }
    return this.courses.search({ ...query, text, sort }, caller);
  }

  async update(idOrSlug: string, changes: CourseChanges, caller: AuthenticatedUser): Promise<CourseEntity> {
    const course = await this.changeManaged(idOrSlug, caller, (current) => {
      for (const [field, value] of Object.entries(changes)) {
        if (value !== undefined) Object.assign(current, { [field]: value });
      }
      return this.courses.save(current);
    });
    this.recommendations.courseChanged(course);
    return course;
  }

  /** `DELETE` archives: orders and enrolments keep pointing at the course. */
  async archive(idOrSlug: string, caller: AuthenticatedUser): Promise<CourseEntity> {
    const course = await this.changeManaged(idOrSlug, caller, async (current) => {
      if (current.status === 'archived') return current;
      current.status = 'archived';
      return this.courses.save(current);
    });
    this.recommendations.courseChanged(course);
    return course;
  }

  /** Publishes the course and, in the same transaction, writes `course.published` to the outbox. */
  async publish(idOrSlug: string, caller: AuthenticatedUser): Promise<CourseEntity> {
    const course = await this.changeManaged(idOrSlug, caller, async (current) => {
      if (current.status === 'published') return current; // Publishing twice announces nothing new.
      current.status = 'published';
      current.publishedAt = new Date();
      const saved = await this.courses.save(current);
      await this.outbox.add(
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
   * Runs `change` in a transaction on the row locked for update, after the permission check: a
   * course the caller cannot see is a 404, one they can see but do not manage a 403.
   */
  private changeManaged(
    idOrSlug: string,
    caller: AuthenticatedUser,
    change: (course: CourseEntity) => Promise<CourseEntity>,
  ): Promise<CourseEntity> {
    return this.transactions.withTransaction(async () => {
      const found = await this.courses.findByIdOrSlug(idOrSlug);
      if (!found || !canView(found, caller)) throw new NotFoundError('Course not found');
      if (!canManage(found, caller)) {
        throw new ForbiddenError('Only the course instructor or an admin may change it');
      }
      return change(await this.courses.findLocked(found.id));
    });
  }
}

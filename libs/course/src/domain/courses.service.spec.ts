import { coursePublished } from '@coursehub/contracts';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '@coursehub/core';
import { Outbox } from '@coursehub/messaging';
import { getTransactionHostToken } from '@nestjs-cls/transactional';
import { InMemoryFeatureDatabase } from '@coursehub/testing';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { COURSE_FEATURE } from '../course.constants';
import type { CourseEntity } from '../data/course.entity';
import { CourseSearchCriteria, CoursesRepository, SlugTakenError } from '../data/courses.repository';
import { CoursesService } from './courses.service';
import { person, sampleCourse } from './sample-course.fixture';
import { RecommendationsService } from './recommendations.service';

/** The course database in memory: courses and outbox events, with transactions that roll back. */
class InMemoryCourseDatabase extends InMemoryFeatureDatabase {
  readonly courses = this.table<CourseEntity>();
}

/** Keeps the rule of the real table that matters here: slugs are unique. */
class InMemoryCoursesRepository implements Partial<CoursesRepository> {
  searches: CourseSearchCriteria[] = [];

  constructor(private readonly db: InMemoryCourseDatabase) {}

  findByIdOrSlug(idOrSlug: string): Promise<CourseEntity | null> {
    const found = [...this.db.courses.values()].find((c) => c.id === idOrSlug || c.slug === idOrSlug);
    return Promise.resolve(found ? { ...found } : null);
  }

  async findPublished(idOrSlug: string): Promise<CourseEntity | null> {
    const found = await this.findByIdOrSlug(idOrSlug);
    return found?.status === 'published' ? found : null;
  }

  findLocked(id: string): Promise<CourseEntity> {
    if (!this.db.inTransaction) throw new Error('a row lock needs a transaction');
    return Promise.resolve({ ...this.db.courses.get(id)! });
  }

  insertDraft(values: Partial<CourseEntity>): Promise<CourseEntity> {
    const now = new Date();
    const course = {
      ...values,
      id: randomUUID(),
      status: 'draft',
      enrolmentCount: 0,
      publishedAt: null,
      createdAt: now,
      updatedAt: now,
    } as CourseEntity;
    return this.save(course);
  }

  save(course: CourseEntity): Promise<CourseEntity> {
    const taken = [...this.db.courses.values()].some((c) => c.slug === course.slug && c.id !== course.id);
    if (taken) return Promise.reject(new SlugTakenError(course.slug));
    this.db.courses.set(course.id, { ...course, updatedAt: new Date() });
    return Promise.resolve({ ...this.db.courses.get(course.id)! });
  }

  search(
    criteria: CourseSearchCriteria,
  ): Promise<{ items: CourseEntity[]; nextCursor: null; total: number; totalIsEstimate: boolean }> {
    this.searches.push(criteria);
    return Promise.resolve({ items: [], nextCursor: null, total: 0, totalIsEstimate: false });
  }
}

describe('CoursesService', () => {
  let db: InMemoryCourseDatabase;
  let repository: InMemoryCoursesRepository;
  let changed: string[];
  let service: CoursesService;
  const owner = person('instructor');
  const otherInstructor = person('instructor');
  const admin = person('admin');
  const student = person('student');

  beforeEach(async () => {
    db = new InMemoryCourseDatabase();
    repository = new InMemoryCoursesRepository(db);
    changed = [];
    const recommendations = { courseChanged: (course: CourseEntity) => changed.push(course.id) };
    const moduleRef = await Test.createTestingModule({
      providers: [
        CoursesService,
        { provide: getTransactionHostToken(COURSE_FEATURE), useValue: db },
        { provide: CoursesRepository, useValue: repository },
        { provide: Outbox, useValue: db.outbox },
        { provide: RecommendationsService, useValue: recommendations },
      ],
    }).compile();
    service = moduleRef.get(CoursesService);
  });

  describe('create', () => {
    it('creates a draft taught by the caller, with a slug from the title, and tells the recommender', async () => {
      // Without the optional texts: they default to empty.
      const withoutTexts = { summary: undefined, description: undefined, tags: undefined };
      const course = await service.create(
        sampleCourse({ title: 'Écoles & Ünïcode: SQL 101', ...withoutTexts }),
        owner,
      );
      expect(course).toMatchObject({
        slug: 'ecoles-unicode-sql-101',
        status: 'draft',
        instructorId: owner.id,
        summary: '',
        description: '',
        tags: [],
      });
      expect(changed).toEqual([course.id]);
    });

    it('suffixes a derived slug that is taken, but refuses a taken slug the caller chose', async () => {
      const first = await service.create(sampleCourse(), owner);
      const second = await service.create(sampleCourse(), otherInstructor);
      expect(second.slug).toMatch(new RegExp(`^${first.slug}-[0-9a-f]{6}$`));
      await expect(service.create(sampleCourse({ slug: first.slug }), owner)).rejects.toThrow(ConflictError);
    });
  });

  describe('who may see and change a course', () => {
    it('shows a draft only to its instructor and admins; to others it does not exist', async () => {
      const draft = await service.create(sampleCourse(), owner);
      await expect(service.getVisible(draft.slug, owner)).resolves.toMatchObject({ id: draft.id });
      await expect(service.getVisible(draft.id, admin)).resolves.toMatchObject({ id: draft.id });
      for (const caller of [undefined, student, otherInstructor]) {
        await expect(service.getVisible(draft.id, caller)).rejects.toThrow(NotFoundError);
      }
    });

    it('lets only its instructor or an admin change it: 404 while others cannot see it, 403 once they can', async () => {
      const course = await service.create(sampleCourse(), owner);
      await expect(service.update(course.id, { price: 1 }, otherInstructor)).rejects.toThrow(NotFoundError);
      await service.publish(course.id, owner);
      await expect(service.update(course.id, { price: 1 }, otherInstructor)).rejects.toThrow(ForbiddenError);
      await expect(service.archive(course.id, student)).rejects.toThrow(ForbiddenError);
      await expect(service.update(course.id, { price: 5900 }, admin)).resolves.toMatchObject({ price: 5900 });
      await expect(service.archive(course.id, owner)).resolves.toMatchObject({ status: 'archived' });
      expect(db.courses.get(course.id)).toMatchObject({ price: 5900, status: 'archived' });
    });

    it('leaves the course unchanged when a change takes a slug that is taken', async () => {
      await service.create(sampleCourse({ slug: 'taken-slug' }), owner);
      const course = await service.create(sampleCourse(), owner);
      await expect(
        service.update(course.id, { slug: 'taken-slug', title: 'Renamed' }, owner),
      ).rejects.toThrow(ConflictError);
      expect(db.courses.get(course.id)).toMatchObject({ slug: course.slug, title: course.title });
    });
  });

  describe('publish', () => {
    it('publishes and writes course.published in the same transaction, once', async () => {
      const course = await service.create(sampleCourse({ tags: ['sql'] }), owner);
      const published = await service.publish(course.id, owner);
      expect(published).toMatchObject({ status: 'published', publishedAt: expect.any(Date) });
      await service.publish(course.id, admin);
      expect(db.events).toEqual([
        {
          type: coursePublished.type,
          key: course.id,
          data: {
            courseId: course.id,
            title: 'Practical PostgreSQL',
            instructorId: owner.id,
            tags: ['sql'],
            price: 4900,
            currency: 'EUR',
          },
        },
      ]);
      expect(changed).toEqual([course.id, course.id, course.id]);
    });
  });

  describe('list', () => {
    it('rejects contradictory queries as invalid input', async () => {
      await expect(service.list({ sort: 'relevance', limit: 20 }, undefined)).rejects.toThrow(
        InvalidInputError,
      );
      await expect(service.list({ q: '   ', sort: 'relevance', limit: 20 }, undefined)).rejects.toThrow(
        InvalidInputError,
      );
      await expect(service.list({ minPrice: 5000, maxPrice: 100, limit: 20 }, undefined)).rejects.toThrow(
        InvalidInputError,
      );
      expect(repository.searches).toEqual([]);
    });

    it('searches the trimmed text, by relevance unless told otherwise', async () => {
      await service.list({ q: '  postgres  ', limit: 5 }, undefined);
      await service.list({ q: 'postgres', sort: 'price_asc', limit: 5 }, undefined);
      await service.list({ limit: 5 }, undefined);
      expect(repository.searches).toEqual([
        expect.objectContaining({ text: 'postgres', sort: 'relevance', limit: 5 }),
        expect.objectContaining({ text: 'postgres', sort: 'price_asc' }),
        expect.objectContaining({ text: undefined, sort: 'newest' }),
      ]);
    });
  });
});

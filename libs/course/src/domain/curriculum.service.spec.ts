import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  UnauthenticatedError,
} from '@coursehub/core';
import { InMemoryFeatureDatabase } from '@coursehub/testing';
import { getTransactionHostToken } from '@nestjs-cls/transactional';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { COURSE_FEATURE } from '../course.constants';
import type { CourseEntity } from '../data/course.entity';
import type { CurriculumItem } from '../data/curriculum-item';
import { CoursesRepository } from '../data/courses.repository';
import { EnrolmentsRepository } from '../data/enrolments.repository';
import type { LessonEntity } from '../data/lesson.entity';
import { type LessonOutline, LessonsRepository } from '../data/lessons.repository';
import type { SectionEntity } from '../data/section.entity';
import { SectionsRepository } from '../data/sections.repository';
import { CurriculumAuthoringService } from './curriculum-authoring.service';
import { CurriculumService } from './curriculum.service';
import { MAX_LESSON_BODY_BYTES } from './markdown';
import { person } from './sample-course.fixture';

/** The course database in memory: courses, sections, lessons and active enrolments. */
class InMemoryCurriculumDatabase extends InMemoryFeatureDatabase {
  readonly courses = this.table<CourseEntity>();
  readonly sections = this.table<SectionEntity>();
  readonly lessons = this.table<LessonEntity>();
  readonly enrolled = new Set<string>();
  readonly locks: string[] = [];
}

const byPosition = <Row extends { position: number }>(rows: Row[]) =>
  rows.sort((a, b) => a.position - b.position);

/** What the fakes of both repositories share, over one table (as CurriculumItemsRepository). */
class InMemoryCurriculumItems<Item extends CurriculumItem> {
  constructor(
    protected readonly db: InMemoryCurriculumDatabase,
    private readonly rows: Map<string, Item>,
  ) {}

  findInCourse(courseId: string, id: string): Promise<Item | null> {
    const row = this.rows.get(id);
    return Promise.resolve(row?.courseId === courseId ? { ...row } : null);
  }
  insert(values: Partial<Item>): Promise<Item> {
    const row = { ...values, id: randomUUID() } as Item;
    this.rows.set(row.id, row);
    return Promise.resolve({ ...row });
  }
  save(row: Item): Promise<Item> {
    this.rows.set(row.id, { ...row });
    return Promise.resolve(row);
  }
  delete(id: string): Promise<void> {
    this.rows.delete(id);
    return Promise.resolve();
  }
}

class InMemorySectionsRepository
  extends InMemoryCurriculumItems<SectionEntity>
  implements Partial<SectionsRepository>
{
  lockCurriculum(courseId: string): Promise<boolean> {
    if (!this.db.inTransaction) throw new Error('the curriculum lock needs a transaction');
    this.db.locks.push(courseId);
    return Promise.resolve(this.db.courses.has(courseId));
  }
  listForCourse(courseId: string): Promise<SectionEntity[]> {
    return Promise.resolve(byPosition([...this.db.sections.values()].filter((s) => s.courseId === courseId)));
  }
  setOrder(_courseId: string, orderedIds: readonly string[]): Promise<void> {
    orderedIds.forEach((id, index) => (this.db.sections.get(id)!.position = index + 1));
    return Promise.resolve();
  }
}

class InMemoryLessonsRepository
  extends InMemoryCurriculumItems<LessonEntity>
  implements Partial<LessonsRepository>
{
  listForCourse(courseId: string): Promise<LessonOutline[]> {
    const sectionPosition = (lesson: LessonEntity) => this.db.sections.get(lesson.sectionId)!.position;
    return Promise.resolve(
      [...this.db.lessons.values()]
        .filter((lesson) => lesson.courseId === courseId)
        .sort((a, b) => sectionPosition(a) - sectionPosition(b) || a.position - b.position),
    );
  }
  idsInSection(sectionId: string): Promise<string[]> {
    const rows = byPosition([...this.db.lessons.values()].filter((lesson) => lesson.sectionId === sectionId));
    return Promise.resolve(rows.map((lesson) => lesson.id));
  }
  countInSection(sectionId: string): Promise<number> {
    return Promise.resolve(
      [...this.db.lessons.values()].filter((lesson) => lesson.sectionId === sectionId).length,
    );
  }
  setOrder(sectionId: string, orderedIds: readonly string[]): Promise<void> {
    orderedIds.forEach((id, index) =>
      Object.assign(this.db.lessons.get(id)!, { sectionId, position: index + 1 }),
    );
    return Promise.resolve();
  }
}

describe('CurriculumAuthoringService and CurriculumService', () => {
  let db: InMemoryCurriculumDatabase;
  let enrolmentLookups: number;
  let authoring: CurriculumAuthoringService;
  let service: CurriculumService;
  const owner = person('instructor');
  const admin = person('admin');
  const student = person('student');
  const otherInstructor = person('instructor');

  const addCourse = (status: CourseEntity['status'] = 'published') => {
    const course = {
      id: randomUUID(),
      slug: `c-${randomUUID()}`,
      instructorId: owner.id,
      status,
    } as CourseEntity;
    db.courses.set(course.id, course);
    return course;
  };

  beforeEach(async () => {
    db = new InMemoryCurriculumDatabase();
    enrolmentLookups = 0;
    const courses = {
      findByIdOrSlug: (idOrSlug: string) =>
        Promise.resolve(
          [...db.courses.values()].find((c) => c.id === idOrSlug || c.slug === idOrSlug) ?? null,
        ),
    };
    const enrolments = {
      isEnrolled: (userId: string, courseId: string) => {
        enrolmentLookups++;
        return Promise.resolve(db.enrolled.has(`${userId}:${courseId}`));
      },
    };
    const moduleRef = await Test.createTestingModule({
      providers: [
        CurriculumAuthoringService,
        CurriculumService,
        { provide: getTransactionHostToken(COURSE_FEATURE), useValue: db },
        { provide: CoursesRepository, useValue: courses },
        { provide: EnrolmentsRepository, useValue: enrolments },
        { provide: SectionsRepository, useValue: new InMemorySectionsRepository(db, db.sections) },
        { provide: LessonsRepository, useValue: new InMemoryLessonsRepository(db, db.lessons) },
      ],
    }).compile();
    authoring = moduleRef.get(CurriculumAuthoringService);
    service = moduleRef.get(CurriculumService);
  });

  it('edits under the course curriculum lock, in a transaction, by slug or id', async () => {
    const course = addCourse();
    const section = await authoring.createSection(course.slug, { title: 'One' }, owner);
    await authoring.createLesson(course.id, section.id, { title: 'a', kind: 'article' }, admin);
    expect(db.locks).toEqual([course.id, course.id]);
  });

  it('refuses others before taking any lock: 404 for what they cannot see, 403 for what they can', async () => {
    const published = addCourse();
    const draft = addCourse('draft');
    await expect(authoring.createSection(published.id, { title: 'x' }, student)).rejects.toThrow(
      ForbiddenError,
    );
    await expect(authoring.createSection(published.id, { title: 'x' }, otherInstructor)).rejects.toThrow(
      ForbiddenError,
    );
    await expect(authoring.createSection(draft.id, { title: 'x' }, otherInstructor)).rejects.toThrow(
      NotFoundError,
    );
    await expect(authoring.createSection('unknown', { title: 'x' }, admin)).rejects.toThrow(NotFoundError);
    expect(db.locks).toEqual([]);
  });

  it('checks the body limit and https video URLs whatever the caller validated', async () => {
    const course = addCourse();
    const section = await authoring.createSection(course.id, { title: 'One' }, owner);
    const tooLong = 'x'.repeat(MAX_LESSON_BODY_BYTES + 1);
    await expect(
      authoring.createLesson(course.id, section.id, { title: 'a', kind: 'article', body: tooLong }, owner),
    ).rejects.toThrow(InvalidInputError);
    await expect(
      authoring.createLesson(
        course.id,
        section.id,
        { title: 'a', kind: 'video', videoUrl: 'http://x.example.com/v' },
        owner,
      ),
    ).rejects.toThrow(InvalidInputError);
    expect(db.lessons.size).toBe(0);
  });

  it('refuses to delete a section with lessons and changes nothing', async () => {
    const course = addCourse();
    const section = await authoring.createSection(course.id, { title: 'One' }, owner);
    await authoring.createLesson(course.id, section.id, { title: 'a', kind: 'article' }, owner);
    await expect(authoring.deleteSection(course.id, section.id, owner)).rejects.toThrow(ConflictError);
    expect(db.sections.size).toBe(1);
  });

  it('opens lessons by the access rules, looking an enrolment up only when it decides', async () => {
    const course = addCourse();
    const section = await authoring.createSection(course.id, { title: 'One' }, owner);
    const preview = await authoring.createLesson(
      course.id,
      section.id,
      { title: 'p', kind: 'article', preview: true },
      owner,
    );
    const paid = await authoring.createLesson(
      course.id,
      section.id,
      { title: 'q', kind: 'article', body: '*x*' },
      owner,
    );

    await expect(service.openLesson(course.id, preview.id, undefined)).resolves.toMatchObject({
      previousLessonId: null,
      nextLessonId: paid.id,
    });
    await expect(service.openLesson(course.id, paid.id, owner)).resolves.toMatchObject({
      html: '<p><em>x</em></p>\n',
    });
    await expect(service.openLesson(course.id, paid.id, admin)).resolves.toMatchObject({
      previousLessonId: preview.id,
    });
    expect(enrolmentLookups).toBe(0);

    await expect(service.openLesson(course.id, paid.id, undefined)).rejects.toThrow(UnauthenticatedError);
    await expect(service.openLesson(course.id, paid.id, student)).rejects.toThrow(
      new ForbiddenError('Enrol in this course to open this lesson'),
    );
    db.enrolled.add(`${student.id}:${course.id}`);
    await expect(service.openLesson(course.id, paid.id, student)).resolves.toMatchObject({ id: paid.id });
    expect(enrolmentLookups).toBe(2);
  });

  it('keeps an archived course readable by its enrolled learners only, and a draft by no one else', async () => {
    const archived = addCourse('archived');
    const draft = addCourse('draft');
    for (const course of [archived, draft]) {
      const section = await authoring.createSection(course.id, { title: 'One' }, owner);
      await authoring.createLesson(
        course.id,
        section.id,
        { title: 'p', kind: 'article', preview: true },
        owner,
      );
    }
    const [archivedLesson] = [...db.lessons.values()].filter((lesson) => lesson.courseId === archived.id);
    await expect(service.openLesson(archived.id, archivedLesson.id, student)).rejects.toThrow(NotFoundError);
    db.enrolled.add(`${student.id}:${archived.id}`);
    await expect(service.openLesson(archived.id, archivedLesson.id, student)).resolves.toMatchObject({
      preview: true,
    });
    await expect(service.curriculum(archived.id, student)).resolves.toMatchObject({ lessonCount: 1 });
    await expect(service.curriculum(draft.id, student)).rejects.toThrow(NotFoundError);
    await expect(service.curriculum(draft.id, undefined)).rejects.toThrow(NotFoundError);
  });
});

import {
  type AuthenticatedUser,
  ConflictError,
  FeatureTransactions,
  ForbiddenError,
  InjectFeatureTransactions,
  NotFoundError,
} from '@coursehub/core';
import { Injectable } from '@nestjs/common';
import { COURSE_FEATURE } from '../course.constants';
import type { CourseEntity } from '../data/course.entity';
import { CoursesRepository } from '../data/courses.repository';
import type { LessonEntity, LessonKind } from '../data/lesson.entity';
import { LessonsRepository } from '../data/lessons.repository';
import type { SectionEntity } from '../data/section.entity';
import { SectionsRepository } from '../data/sections.repository';
import { canManage, canView } from './course-access';
import { checkLessonInput } from './lesson-input';
import { renderLessonMarkdown } from './markdown';
import { placeAt, without } from './positions';

export interface NewSection {
  title: string;
  /** 1-based; the end when omitted (or beyond it). */
  position?: number;
}

export type SectionChanges = Partial<NewSection>;

export interface NewLesson {
  title: string;
  kind: LessonKind;
  /** Markdown, at most MAX_LESSON_BODY_BYTES. */
  body?: string;
  /** https only. */
  videoUrl?: string;
  durationSeconds?: number;
  preview?: boolean;
  /** 1-based within the section; the end when omitted. */
  position?: number;
}

/** The fields to change (undefined stay), `videoUrl: null` to remove it, `sectionId`/`position` to move. */
export interface LessonChanges extends Partial<Omit<NewLesson, 'videoUrl'>> {
  videoUrl?: string | null;
  sectionId?: string;
}

/**
 * A course's curriculum as it is written: sections and lessons created, changed, moved and deleted
 * by the course's instructor or an admin (CurriculumService reads it). Every edit runs in a
 * transaction that first takes the course's curriculum lock, then renumbers what it touched
 * (positions.ts), so concurrent edits of one course never leave duplicate positions or gaps.
 */
@Injectable()
export class CurriculumAuthoringService {
  constructor(
    private readonly courses: CoursesRepository,
    private readonly sections: SectionsRepository,
    private readonly lessons: LessonsRepository,
    @InjectFeatureTransactions(COURSE_FEATURE) private readonly transactions: FeatureTransactions,
  ) {}

  createSection(idOrSlug: string, input: NewSection, caller: AuthenticatedUser): Promise<SectionEntity> {
    return this.editCurriculum(idOrSlug, caller, async (course) => {
      const order = (await this.sections.listForCourse(course.id)).map((section) => section.id);
      const section = await this.sections.insert({
        courseId: course.id,
        title: input.title,
        position: order.length + 1,
      });
      await this.sections.setOrder(course.id, placeAt(order, section.id, input.position));
      return this.sectionOf(course, section.id);
    });
  }

  updateSection(
    idOrSlug: string,
    sectionId: string,
    changes: SectionChanges,
    caller: AuthenticatedUser,
  ): Promise<SectionEntity> {
    return this.editItem(idOrSlug, caller, this.sectionOf, sectionId, async (course, section) => {
      if (changes.title !== undefined && changes.title !== section.title) {
        section.title = changes.title;
        await this.sections.save(section);
      }
      if (changes.position !== undefined) {
        const order = (await this.sections.listForCourse(course.id)).map((other) => other.id);
        await this.sections.setOrder(course.id, placeAt(order, section.id, changes.position));
      }
      return this.sectionOf(course, section.id);
    });
  }

  /** Only an empty section can be deleted (409 otherwise): lessons are never deleted by accident. */
  deleteSection(idOrSlug: string, sectionId: string, caller: AuthenticatedUser): Promise<void> {
    return this.editItem(idOrSlug, caller, this.sectionOf, sectionId, async (course, section) => {
      const lessons = await this.lessons.countInSection(section.id);
      if (lessons > 0) {
        throw new ConflictError(
          `This section still has ${lessons} lesson${lessons === 1 ? '' : 's'}: move or delete them first`,
        );
      }
      await this.sections.delete(section.id);
      const order = (await this.sections.listForCourse(course.id)).map((other) => other.id);
      await this.sections.setOrder(course.id, order);
    });
  }

  async createLesson(
    idOrSlug: string,
    sectionId: string,
    input: NewLesson,
    caller: AuthenticatedUser,
  ): Promise<LessonEntity> {
    checkLessonInput(input);
    return this.editItem(idOrSlug, caller, this.sectionOf, sectionId, async (course, section) => {
      const order = await this.lessons.idsInSection(section.id);
      const body = input.body ?? '';
      const lesson = await this.lessons.insert({
        courseId: course.id,
        sectionId: section.id,
        title: input.title,
        kind: input.kind,
        body,
        html: renderLessonMarkdown(body),
        videoUrl: input.videoUrl ?? null,
        durationSeconds: input.durationSeconds ?? 0,
        preview: input.preview ?? false,
        position: order.length + 1,
      });
      await this.lessons.setOrder(section.id, placeAt(order, lesson.id, input.position));
      return this.lessonOf(course, lesson.id);
    });
  }

  async updateLesson(
    idOrSlug: string,
    lessonId: string,
    changes: LessonChanges,
    caller: AuthenticatedUser,
  ): Promise<LessonEntity> {
    checkLessonInput(changes);
    return this.editItem(idOrSlug, caller, this.lessonOf, lessonId, async (course, lesson) => {
      const from = lesson.sectionId;
      const to =
        changes.sectionId !== undefined && changes.sectionId !== from
          ? (await this.sectionOf(course, changes.sectionId)).id
          : from;

      const { sectionId: _move, position, body, ...fields } = changes;
      for (const [field, value] of Object.entries(fields)) {
        if (value !== undefined) Object.assign(lesson, { [field]: value });
      }
      if (body !== undefined) {
        lesson.body = body;
        lesson.html = renderLessonMarkdown(body);
      }
      await this.lessons.save(lesson);

      if (to !== from) {
        await this.lessons.setOrder(from, without(await this.lessons.idsInSection(from), lesson.id));
      }
      if (to !== from || position !== undefined) {
        await this.lessons.setOrder(to, placeAt(await this.lessons.idsInSection(to), lesson.id, position));
      }
      return this.lessonOf(course, lesson.id);
    });
  }

  deleteLesson(idOrSlug: string, lessonId: string, caller: AuthenticatedUser): Promise<void> {
    return this.editItem(idOrSlug, caller, this.lessonOf, lessonId, async (_course, lesson) => {
      await this.lessons.delete(lesson.id);
      await this.lessons.setOrder(lesson.sectionId, await this.lessons.idsInSection(lesson.sectionId));
    });
  }

  /**
   * Runs `edit` after the permission check (a course the caller cannot see is a 404: drafts and
   * archived courses of others do not exist for them; one they see but do not manage a 403) in a
   * transaction holding the course's curriculum lock.
   */
  private async editCurriculum<T>(
    idOrSlug: string,
    caller: AuthenticatedUser,
    edit: (course: CourseEntity) => Promise<T>,
  ): Promise<T> {
    const course = await this.courses.findByIdOrSlug(idOrSlug);
    if (!course || !canView(course, caller)) throw new NotFoundError('Course not found');
    if (!canManage(course, caller)) {
      throw new ForbiddenError("Only the course's instructor or an admin may change its curriculum");
    }
    return this.transactions.withTransaction(async () => {
      if (!(await this.sections.lockCurriculum(course.id))) throw new NotFoundError('Course not found');
      return edit(course);
    });
  }

  /** `editCurriculum` of the course's section or lesson `id`, which `itemOf` looks up in it. */
  private editItem<Item, T>(
    idOrSlug: string,
    caller: AuthenticatedUser,
    itemOf: (course: CourseEntity, id: string) => Promise<Item>,
    id: string,
    edit: (course: CourseEntity, item: Item) => Promise<T>,
  ): Promise<T> {
    return this.editCurriculum(idOrSlug, caller, async (course) => edit(course, await itemOf(course, id)));
  }

  // Arrow functions: editItem is handed them unbound.
  private readonly sectionOf = async (course: CourseEntity, sectionId: string): Promise<SectionEntity> => {
    const section = await this.sections.findInCourse(course.id, sectionId);
    if (!section) throw new NotFoundError('Section not found');
    return section;
  };

  private readonly lessonOf = async (course: CourseEntity, lessonId: string): Promise<LessonEntity> => {
    const lesson = await this.lessons.findInCourse(course.id, lessonId);
    if (!lesson) throw new NotFoundError('Lesson not found');
    return lesson;
  };
}

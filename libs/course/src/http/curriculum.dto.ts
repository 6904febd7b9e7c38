import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, OmitType, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { pick } from 'es-toolkit';
import {
  IsBoolean,
  IsByteLength,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { type LessonEntity, LESSON_KINDS, type LessonKind } from '../data/lesson.entity';
import type { SectionEntity } from '../data/section.entity';
import type { Curriculum, OpenedLesson } from '../domain/curriculum.service';
import { MAX_LESSON_BODY_BYTES } from '../domain/markdown';

/** The longest lesson a duration may describe: a day. */
const MAX_DURATION_SECONDS = 86_400;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Validates the field only when it is sent: unlike `@IsOptional()`, a `null` is refused. */
const IfPresent = () => ValidateIf((_object: unknown, value: unknown) => value !== undefined);

const HTTPS_URL = { protocols: ['https'], require_protocol: true, require_valid_protocol: true };
const HTTPS_MESSAGE = { message: 'videoUrl must be an https URL' };

const SECTION_EXAMPLE = { id: '5b3c2d4e-8f1a-4c6b-9d7e-1a2b3c4d5e6f', title: 'Indexes', position: 2 };
const LESSON_EXAMPLE = {
  id: '0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
  sectionId: SECTION_EXAMPLE.id,
  title: 'How a B-tree finds a row',
  body: '# B-trees\n\nAn index keeps keys **sorted**, so `=` and ranges are fast.',
  html: '<h1>B-trees</h1>\n<p>An index keeps keys <strong>sorted</strong>, so <code>=</code> and ranges are fast.</p>\n',
  videoUrl: 'https://videos.example.com/b-trees.mp4',
};

/*
 * The input fields, each validated the same way wherever it is accepted. Their decorators are listed
 * in the order stacked ones are applied (bottom-up), so validation messages keep their order.
 */

/** A title of 1 to 200 characters, trimmed; optional ones are validated only when sent. */
function Title(example: string, { optional = false } = {}): PropertyDecorator {
  return applyDecorators(
    Length(1, 200),
    IsString(),
    Transform(trim),
    ...(optional ? [IfPresent()] : []),
    (optional ? ApiPropertyOptional : ApiProperty)({ example, minLength: 1, maxLength: 200 }),
  );
}

/** A 1-based place among the siblings, validated when sent. */
function Position(description: string, example = 1): PropertyDecorator {
  return applyDecorators(
    Min(1),
    IsInt(),
    IfPresent(),
    ApiPropertyOptional({ type: 'integer', example, minimum: 1, description }),
  );
}

/** A lesson's Markdown body, at most MAX_LESSON_BODY_BYTES of UTF-8, validated when sent. */
function LessonBody(description: string): PropertyDecorator {
  return applyDecorators(
    IsByteLength(0, MAX_LESSON_BODY_BYTES, {
      message: `body must be at most ${MAX_LESSON_BODY_BYTES / 1024} KB of Markdown`,
    }),
    IsString(),
    IfPresent(),
    ApiPropertyOptional({ example: LESSON_EXAMPLE.body, description, maxLength: MAX_LESSON_BODY_BYTES }),
  );
}

/** A lesson's video, an https URL; `nullable` ones may be sent as null (to remove it). */
function VideoUrl(description: string, { nullable = false } = {}): PropertyDecorator {
  return applyDecorators(
    IsUrl(HTTPS_URL, HTTPS_MESSAGE),
    Length(1, 2000),
    IsString(),
    nullable ? IsOptional() : IfPresent(),
    ApiPropertyOptional({
      ...(nullable ? { type: String, nullable: true } : {}),
      example: LESSON_EXAMPLE.videoUrl,
      format: 'uri',
      description,
      minLength: 1,
      maxLength: 2000,
    }),
  );
}

/** A lesson's duration in whole seconds, up to a day, validated when sent. */
function DurationSeconds(example: number, extra: { default?: number } = {}): PropertyDecorator {
  return applyDecorators(
    Max(MAX_DURATION_SECONDS),
    Min(0),
    IsInt(),
    IfPresent(),
    ApiPropertyOptional({ type: 'integer', example, minimum: 0, maximum: MAX_DURATION_SECONDS, ...extra }),
  );
}

export class CreateSectionDto {
  @Title('Indexes')
  title!: string;

  @Position("1-based place among the course's sections; the end when omitted or beyond it.", 2)
  position?: number;
}

export class UpdateSectionDto {
  @Title('Indexes in depth', { optional: true })
  title?: string;

  @Position('Moves the section there (1-based); the others close up.')
  position?: number;
}

export class CreateLessonDto {
  @Title(LESSON_EXAMPLE.title)
  title!: string;

  @ApiProperty({ enum: LESSON_KINDS, example: 'article' })
  @IsIn(LESSON_KINDS)
  kind!: LessonKind;

  @LessonBody(
    `Markdown, at most ${MAX_LESSON_BODY_BYTES / 1024} KB (UTF-8). Stored as given and rendered to sanitised HTML.`,
  )
  body?: string;

  @VideoUrl('https only.')
  videoUrl?: string;

  @DurationSeconds(540, { default: 0 })
  durationSeconds?: number;

  @ApiPropertyOptional({
    example: false,
    default: false,
    description: 'A preview lesson of a published course is open to everyone.',
  })
  @IfPresent()
  @IsBoolean()
  preview?: boolean;

  @Position('1-based place in the section; the end when omitted or beyond it.')
  position?: number;
}

export class UpdateLessonDto {
  @Title('B-trees, step by step', { optional: true })
  title?: string;

  @ApiPropertyOptional({ enum: LESSON_KINDS, example: 'video' })
  @IfPresent()
  @IsIn(LESSON_KINDS)
  kind?: LessonKind;

  @LessonBody(`Markdown, at most ${MAX_LESSON_BODY_BYTES / 1024} KB (UTF-8).`)
  body?: string;

  @VideoUrl('https only; null removes it.', { nullable: true })
  videoUrl?: string | null;

  @DurationSeconds(600)
  durationSeconds?: number;

  @ApiPropertyOptional({ example: true })
  @IfPresent()
  @IsBoolean()
  preview?: boolean;

  @ApiPropertyOptional({
    example: SECTION_EXAMPLE.id,
    format: 'uuid',
    description: 'Moves the lesson into this section of the same course (at `position`, else at its end).',
  })
  @IfPresent()
  @IsUUID()
  sectionId?: string;

  @Position('Moves the lesson there within its (new) section, 1-based; the others close up.')
  position?: number;
}

export class SectionDto {
  @ApiProperty({ format: 'uuid', example: SECTION_EXAMPLE.id }) id!: string;
  @ApiProperty({ example: SECTION_EXAMPLE.title }) title!: string;
  @ApiProperty({ example: SECTION_EXAMPLE.position, minimum: 1 }) position!: number;
}

/** A lesson as its author sees it after a change. */
export class LessonDto {
  @ApiProperty({ format: 'uuid', example: LESSON_EXAMPLE.id }) id!: string;
  @ApiProperty({ format: 'uuid', example: LESSON_EXAMPLE.sectionId }) sectionId!: string;
  @ApiProperty({ example: LESSON_EXAMPLE.title }) title!: string;
  @ApiProperty({ enum: LESSON_KINDS, example: 'article' }) kind!: LessonKind;
  @ApiProperty({ example: LESSON_EXAMPLE.body, description: 'The Markdown as written.' }) body!: string;
  @ApiProperty({ example: LESSON_EXAMPLE.html, description: 'The body rendered to sanitised HTML.' })
  html!: string;
  @ApiProperty({ type: String, nullable: true, example: LESSON_EXAMPLE.videoUrl }) videoUrl!: string | null;
  @ApiProperty({ example: 540 }) durationSeconds!: number;
  @ApiProperty({ example: false }) preview!: boolean;
  @ApiProperty({ example: 1, minimum: 1 }) position!: number;
}

/** What the outline of a curriculum tells of a lesson (no body). */
const OUTLINE_FIELDS = ['id', 'title', 'kind', 'durationSeconds', 'preview', 'position'] as const;

export class CurriculumLessonDto extends PickType(LessonDto, OUTLINE_FIELDS) {}

export class CurriculumSectionDto extends SectionDto {
  @ApiProperty({ type: [CurriculumLessonDto] }) lessons!: CurriculumLessonDto[];
}

export class CurriculumDto {
  @ApiProperty({ type: [CurriculumSectionDto] }) sections!: CurriculumSectionDto[];
  @ApiProperty({ example: 12 }) lessonCount!: number;
  @ApiProperty({ example: 6480 }) totalDurationSeconds!: number;
}

/** A lesson as a learner opens it, with its neighbours in reading order. */
export class OpenedLessonDto extends OmitType(LessonDto, ['position'] as const) {
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  })
  previousLessonId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: null })
  nextLessonId!: string | null;
}

export function toSectionDto(section: SectionEntity): SectionDto {
  return pick(section, ['id', 'title', 'position']);
}

export function toCurriculumDto(curriculum: Curriculum): CurriculumDto {
  return {
    sections: curriculum.sections.map((section) => ({
      ...toSectionDto(section),
      lessons: section.lessons.map((lesson) => pick(lesson, OUTLINE_FIELDS)),
    })),
    lessonCount: curriculum.lessonCount,
    totalDurationSeconds: curriculum.totalDurationSeconds,
  };
}

export function toLessonDto(lesson: LessonEntity): LessonDto {
  return pick(lesson, [
    'id',
    'sectionId',
    'title',
    'kind',
    'body',
    'html',
    'videoUrl',
    'durationSeconds',
    'preview',
    'position',
  ]);
}

export function toOpenedLessonDto(lesson: OpenedLesson): OpenedLessonDto {
  const { position: _position, ...fields } = toLessonDto(lesson);
  return { ...fields, previousLessonId: lesson.previousLessonId, nextLessonId: lesson.nextLessonId };
}

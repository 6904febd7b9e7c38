import { PageQueryDto } from '@coursehub/core';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  ValidateIf,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  COURSE_LEVELS,
  COURSE_SORTS,
  COURSE_STATUSES,
  type CourseLevel,
  type CourseSort,
  type CourseStatus,
} from '../course.constants';

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const LANGUAGE_PATTERN = /^[a-z]{2,3}(?:-[A-Z]{2})?$/;
const CURRENCY_PATTERN = /^[A-Z]{3}$/;
/** Prices are integer minor units; this cap keeps them exact in JSON numbers and sane for a course. */
const MAX_PRICE = 100_000_000;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const normaliseTags = ({ value }: { value: unknown }) =>
  Array.isArray(value)
    ? [...new Set(value.map((tag: unknown) => (typeof tag === 'string' ? tag.trim().toLowerCase() : tag)))]
    : value;

/**
 * An optional field that is validated whenever it is sent, `null` included: no course column takes
 * null, so an explicit null is a 400 naming the field rather than a 500 from the database.
 */
const IfPresent = () => ValidateIf((_object: unknown, value: unknown) => value !== undefined);

export class CreateCourseDto {
  @ApiProperty({ example: 'Practical PostgreSQL', minLength: 3, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(3, 200)
  title!: string;

  @ApiPropertyOptional({
    example: 'practical-postgresql',
    description: 'Unique; derived from the title when omitted.',
    pattern: SLUG_PATTERN.source,
    maxLength: 120,
  })
  @IfPresent()
  @IsString()
  @MaxLength(120)
  @Matches(SLUG_PATTERN, { message: 'slug must be lower-case words separated by hyphens' })
  slug?: string;

  @ApiPropertyOptional({ example: 'Queries, indexes and transactions.', maxLength: 500 })
  @IfPresent()
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  summary?: string;

  @ApiPropertyOptional({
    maxLength: 20_000,
    example: 'From EXPLAIN to partial indexes: make slow queries fast, with exercises on a real data set.',
  })
  @IfPresent()
  @IsString()
  @MaxLength(20_000)
  description?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', minLength: 1, maxLength: 40 },
    example: ['sql', 'databases'],
    maxItems: 20,
    description: 'Each 1 to 40 characters; trimmed, lower-cased and deduplicated.',
  })
  @IfPresent()
  @Transform(normaliseTags)
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 40, { each: true })
  tags?: string[];

  @ApiProperty({ example: 'development', minLength: 1, maxLength: 60 })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsString()
  @Length(1, 60)
  category!: string;

  @ApiProperty({ enum: COURSE_LEVELS, example: 'beginner' })
  @IsIn(COURSE_LEVELS)
  level!: CourseLevel;

  @ApiProperty({
    example: 'en',
    description: 'ISO 639 language code, optionally with a region (en-GB).',
    pattern: LANGUAGE_PATTERN.source,
  })
  @IsString()
  @Matches(LANGUAGE_PATTERN, { message: 'language must be an ISO 639 code such as en or en-GB' })
  language!: string;

  @ApiProperty({
    type: 'integer',
    example: 4900,
    description: 'Integer minor units (4900 = 49.00).',
    minimum: 0,
    maximum: MAX_PRICE,
  })
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE)
  price!: number;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 code.', pattern: CURRENCY_PATTERN.source })
  @IsString()
  @Matches(CURRENCY_PATTERN, { message: 'currency must be a three-letter ISO 4217 code' })
  currency!: string;
}

// `skipNullProperties: false`: PartialType then skips only absent fields, so an explicit null is validated (400).
export class UpdateCourseDto extends PartialType(CreateCourseDto, { skipNullProperties: false }) {}

/**
 * An optional price bound of the list query, in minor units. The decorators are listed in the
 * order stacked ones are applied (bottom-up), so validation messages keep their order.
 */
function PriceBound(description: string, example: number): PropertyDecorator {
  return applyDecorators(
    Max(MAX_PRICE),
    Min(0),
    IsInt(),
    Type(() => Number),
    IsOptional(),
    ApiPropertyOptional({ type: 'integer', description, minimum: 0, maximum: MAX_PRICE, example }),
  );
}

/** `GET /courses`: filters and sort on top of the keyset page (`cursor`, `limit`). */
export class ListCoursesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Full-text search over title, tags and summary (web search syntax).',
    maxLength: 200,
    example: 'postgres indexes',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ maxLength: 60, example: 'development' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  category?: string;

  @ApiPropertyOptional({ enum: COURSE_LEVELS, example: 'intermediate' })
  @IsOptional()
  @IsIn(COURSE_LEVELS)
  level?: CourseLevel;

  @ApiPropertyOptional({ maxLength: 20, example: 'en' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  language?: string;

  @ApiPropertyOptional({ description: 'Courses carrying this tag.', maxLength: 40, example: 'sql' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsString()
  @MaxLength(40)
  tag?: string;

  @ApiPropertyOptional({ format: 'uuid', example: '8a2f4c1e-9b7d-4e3a-a1c5-2d6e8f0b3c47' })
  @IsOptional()
  @IsUUID()
  instructorId?: string;

  @PriceBound('Minimum price, minor units.', 1000)
  minPrice?: number;

  @PriceBound('Maximum price, minor units.', 5000)
  maxPrice?: number;

  @ApiPropertyOptional({
    enum: COURSE_STATUSES,
    example: 'published',
    description: 'Only for admins and for instructors listing their own courses; others see published only.',
  })
  @IsOptional()
  @IsIn(COURSE_STATUSES)
  status?: CourseStatus;

  @ApiPropertyOptional({
    enum: COURSE_SORTS,
    example: 'rating',
    description:
      'Default: relevance when q is given, newest otherwise. `rating`: highest average rating first ' +
      '(courses without reviews last).',
  })
  @IsOptional()
  @IsIn(COURSE_SORTS)
  sort?: CourseSort;

  @ApiPropertyOptional({
    type: Number,
    minimum: 1,
    maximum: 5,
    example: 4,
    description: 'Only courses whose average rating is at least this (courses without reviews never match).',
  })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(1)
  @Max(5)
  minRating?: number;
}

import { PageDto, PageQueryDto } from '@coursehub/core';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID } from 'class-validator';
import type { PublicCertificate } from '../domain/certificates.service';
import type { CourseProgress } from '../domain/course-progress';
import type { EnrolledCourse } from '../domain/progress.service';

const LESSON_ID = '5b0c3f7e-8d2a-4f6b-9c1e-3a7d2e4f6b80';
const COURSE_ID = '3f2b6c1d-7a4e-4b8f-9d2c-1e5a7b9c0d34';
const CERTIFICATE_ID = 'c7e9a1b3-2d4f-4a6b-8c0d-e1f2a3b4c5d6';

/** The path of a lesson's completion: the course (id or slug) and the lesson's uuid. */
export class LessonPathDto {
  @IsString()
  id!: string;

  @IsUUID()
  lessonId!: string;
}

export class CourseProgressDto {
  @ApiProperty({ format: 'uuid', example: COURSE_ID })
  courseId!: string;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    example: [LESSON_ID],
    description: 'The completed lessons the course still has, in reading order.',
  })
  completedLessonIds!: string[];

  @ApiProperty({ type: 'integer', example: 1 })
  completed!: number;

  @ApiProperty({ type: 'integer', example: 4, description: 'The lessons the course has now.' })
  total!: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 100,
    example: 25,
    description: 'completed / total in percent, rounded down (100 only when every lesson is completed).',
  })
  percent!: number;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    description: 'The first lesson in reading order not yet completed; null when none is left.',
  })
  nextLessonId!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2026-11-29T10:15:00.000Z',
    description: 'The last completion or undo; null before any.',
  })
  lastActivityAt!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description: 'When the course was completed (the certificate issued); stays after an undo.',
  })
  completedAt!: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    example: null,
    description: 'The certificate, once the course is completed: `GET /certificates/{certificateId}`.',
  })
  certificateId!: string | null;
}

export class EnrolledCourseDto {
  @ApiProperty({ format: 'uuid', example: COURSE_ID })
  courseId!: string;

  @ApiProperty({ example: 'practical-postgresql' })
  slug!: string;

  @ApiProperty({ example: 'Practical PostgreSQL' })
  title!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-28T18:00:00.000Z' })
  enrolledAt!: string;

  @ApiProperty({ type: CourseProgressDto })
  progress!: CourseProgressDto;
}

export class EnrolledCoursePageDto extends PageDto(EnrolledCourseDto) {}

/** `GET /me/courses`: cursor and limit only. */
export class MyCoursesQueryDto extends PageQueryDto {}

export class CertificateDto {
  @ApiProperty({ format: 'uuid', example: CERTIFICATE_ID })
  id!: string;

  @ApiProperty({ format: 'uuid', example: COURSE_ID })
  courseId!: string;

  @ApiProperty({ example: 'Practical PostgreSQL', description: 'The course title when it was completed.' })
  courseTitle!: string;

  @ApiProperty({ example: 'Sam Student', description: '"Former learner" once the account was erased.' })
  learnerName!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-29T10:30:00.000Z' })
  completedAt!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Ida Instructor',
    description: "The course instructor's display name; null when not known.",
  })
  instructorName!: string | null;
}

export function toCourseProgressDto(progress: CourseProgress): CourseProgressDto {
  return {
    courseId: progress.courseId,
    completedLessonIds: progress.completedLessonIds,
    completed: progress.completed,
    total: progress.total,
    percent: progress.percent,
    nextLessonId: progress.nextLessonId,
    lastActivityAt: progress.lastActivityAt?.toISOString() ?? null,
    completedAt: progress.completedAt?.toISOString() ?? null,
    certificateId: progress.certificateId,
  };
}

export function toEnrolledCourseDto(course: EnrolledCourse): EnrolledCourseDto {
  return {
    courseId: course.courseId,
    slug: course.slug,
    title: course.title,
    enrolledAt: course.enrolledAt.toISOString(),
    progress: toCourseProgressDto(course.progress),
  };
}

export function toCertificateDto(certificate: PublicCertificate): CertificateDto {
  return { ...certificate, completedAt: certificate.completedAt.toISOString() };
}

import { Authenticated, type AuthenticatedUser, CurrentUser } from '@coursehub/core';
import {
  applyDecorators,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Param,
  Put,
  Query,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProgressService } from '../domain/progress.service';
import { ApiCoursePath, ApiInvalidInput, EnrolledLearner } from './course-routes';
import {
  CourseProgressDto,
  EnrolledCoursePageDto,
  LessonPathDto,
  MyCoursesQueryDto,
  toCourseProgressDto,
  toEnrolledCourseDto,
} from './progress.dto';

const COMPLETION = 'courses/:id/lessons/:lessonId/completion';

/** Completing a lesson and undoing it: idempotent, answered with the learner's progress after the change. */
const LessonCompletion = () =>
  applyDecorators(
    EnrolledLearner('Unknown course, or a lesson of another course.'),
    HttpCode(HttpStatus.OK),
    ApiCoursePath('lessonId'),
    ApiOkResponse({ type: CourseProgressDto, description: 'The progress after the change.' }),
    ApiInvalidInput('lessonId is not a uuid.'),
  );

/** The enrolled learner's progress: completing lessons, their progress, their courses. */
@ApiTags('progress')
@Controller()
export class ProgressController {
  constructor(private readonly progress: ProgressService) {}

  @Put(COMPLETION)
  @LessonCompletion()
  @ApiOperation({
    summary: 'Mark a lesson completed (idempotent)',
    description:
      'For a learner with an active enrolment. Completing the last lesson completes the course: ' +
      'a certificate is issued (once) and `course.completed` is announced.',
  })
  async complete(
    @Param() { id, lessonId }: LessonPathDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<CourseProgressDto> {
    return toCourseProgressDto(await this.progress.complete(id, lessonId, caller));
  }

  @Delete(COMPLETION)
  @LessonCompletion()
  @ApiOperation({
    summary: 'Undo a lesson completion (idempotent)',
    description: 'An issued certificate is never revoked.',
  })
  async undo(
    @Param() { id, lessonId }: LessonPathDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<CourseProgressDto> {
    return toCourseProgressDto(await this.progress.undo(id, lessonId, caller));
  }

  @Get('courses/:id/progress')
  @EnrolledLearner()
  @ApiOperation({ summary: "The caller's progress in a course they are enrolled in" })
  @ApiCoursePath()
  @ApiOkResponse({ type: CourseProgressDto })
  async progressOf(
    @Param('id') id: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<CourseProgressDto> {
    return toCourseProgressDto(await this.progress.progressOf(id, caller));
  }

  @Get('me/courses')
  @Authenticated()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "The caller's courses (active enrolments) with their progress",
    description: 'Most recent activity first (enrolling, completing or undoing a lesson); keyset pages.',
  })
  @ApiOkResponse({ type: EnrolledCoursePageDto })
  @ApiInvalidInput('Invalid cursor or limit.')
  async myCourses(
    @Query() query: MyCoursesQueryDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<EnrolledCoursePageDto> {
    const page = await this.progress.myCourses(query, caller);
    return { items: page.items.map(toEnrolledCourseDto), nextCursor: page.nextCursor };
  }
}

import { type AuthenticatedUser, CurrentUser, ErrorResponseDto, OptionalAuth } from '@coursehub/core';
import { Body, Controller, Delete, Get, Param, Patch } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurriculumAuthoringService } from '../domain/curriculum-authoring.service';
import { CurriculumService } from '../domain/curriculum.service';
import { ENROL_TO_OPEN_LESSON } from '../domain/lesson-access';
import { ApiCourseNotFound, ApiCoursePath, ApiInvalidInput, ManagesCourse, NoContent } from './course-routes';
import {
  LessonDto,
  OpenedLessonDto,
  toLessonDto,
  toOpenedLessonDto,
  UpdateLessonDto,
} from './curriculum.dto';

const LESSON_NOT_FOUND = 'No such course (or one the caller cannot see), or no such lesson in it.';

/** One lesson: opened by those with access, changed or deleted by the course's instructor or an admin. */
@ApiTags('curriculum')
@Controller('courses/:id/lessons/:lessonId')
export class LessonsController {
  constructor(
    private readonly curriculum: CurriculumService,
    private readonly authoring: CurriculumAuthoringService,
  ) {}

  @Get()
  @OptionalAuth()
  @ApiOperation({
    summary: 'Open a lesson',
    description:
      "For a learner with an active enrolment, the course's instructor, an admin, or anyone when the " +
      'lesson is a preview of a published course. A cancelled order ends the access.',
  })
  @ApiCoursePath('lessonId')
  @ApiOkResponse({ type: OpenedLessonDto })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description: 'Not a preview, and no (valid) access token.',
  })
  @ApiForbiddenResponse({
    type: ErrorResponseDto,
    description: `"${ENROL_TO_OPEN_LESSON}": no active enrolment.`,
  })
  @ApiCourseNotFound(LESSON_NOT_FOUND)
  async open(
    @Param('id') id: string,
    @Param('lessonId') lessonId: string,
    @CurrentUser() caller: AuthenticatedUser | undefined,
  ): Promise<OpenedLessonDto> {
    return toOpenedLessonDto(await this.curriculum.openLesson(id, lessonId, caller));
  }

  @Patch()
  @ManagesCourse(LESSON_NOT_FOUND)
  @ApiOperation({
    summary: "Change or move a lesson (the course's instructor or an admin)",
    description: 'Any field; `sectionId` and/or `position` move it, and the lessons around close up.',
  })
  @ApiCoursePath('lessonId')
  @ApiOkResponse({ type: LessonDto })
  @ApiInvalidInput()
  async update(
    @Param('id') id: string,
    @Param('lessonId') lessonId: string,
    @Body() body: UpdateLessonDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<LessonDto> {
    return toLessonDto(await this.authoring.updateLesson(id, lessonId, body, caller));
  }

  @Delete()
  @ManagesCourse(LESSON_NOT_FOUND)
  @ApiOperation({ summary: "Delete a lesson (the course's instructor or an admin)" })
  @ApiCoursePath('lessonId')
  @NoContent('Deleted; the lessons after it moved up.')
  async delete(
    @Param('id') id: string,
    @Param('lessonId') lessonId: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<void> {
    await this.authoring.deleteLesson(id, lessonId, caller);
  }
}

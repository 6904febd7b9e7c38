import { ApiErrors, type AuthenticatedUser, CurrentUser, NoContent } from '@coursehub/core';
import { Body, Controller, Delete, Get, HttpStatus, Param, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurriculumAuthoringService } from '../domain/curriculum-authoring.service';
import { CurriculumService } from '../domain/curriculum.service';
import { ENROL_TO_OPEN_LESSON } from '../domain/lesson-access';
import { AcceptsInput, ManagesCourse, ReadsCourse } from './course-routes';
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
  @ReadsCourse(LESSON_NOT_FOUND, 'lessonId')
  @ApiOperation({
    summary: 'Open a lesson',
    description:
      "For a learner with an active enrolment, the course's instructor, an admin, or anyone when the " +
      'lesson is a preview of a published course. A cancelled order ends the access.',
  })
  @ApiOkResponse({ type: OpenedLessonDto })
  @ApiErrors({
    401: 'Not a preview, and no (valid) access token.',
    403: `"${ENROL_TO_OPEN_LESSON}": no active enrolment.`,
  })
  async open(
    @Param('id') id: string,
    @Param('lessonId') lessonId: string,
    @CurrentUser() caller: AuthenticatedUser | undefined,
  ): Promise<OpenedLessonDto> {
    return toOpenedLessonDto(await this.curriculum.openLesson(id, lessonId, caller));
  }

  @Patch()
  @ManagesCourse(LESSON_NOT_FOUND, 'lessonId')
  @ApiOperation({
    summary: "Change or move a lesson (the course's instructor or an admin)",
    description: 'Any field; `sectionId` and/or `position` move it, and the lessons around close up.',
  })
  @AcceptsInput(HttpStatus.OK, LessonDto)
  async update(
    @Param('id') id: string,
    @Param('lessonId') lessonId: string,
    @Body() body: UpdateLessonDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<LessonDto> {
    return toLessonDto(await this.authoring.updateLesson(id, lessonId, body, caller));
  }

  @Delete()
  @ManagesCourse(LESSON_NOT_FOUND, 'lessonId')
  @ApiOperation({ summary: "Delete a lesson (the course's instructor or an admin)" })
  @NoContent('Deleted; the lessons after it moved up.')
  async delete(
    @Param('id') id: string,
    @Param('lessonId') lessonId: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<void> {
    await this.authoring.deleteLesson(id, lessonId, caller);
  }
}

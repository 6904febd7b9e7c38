import { type AuthenticatedUser, CurrentUser, ErrorResponseDto, OptionalAuth } from '@coursehub/core';
import { Body, Controller, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurriculumAuthoringService } from '../domain/curriculum-authoring.service';
import { CurriculumService } from '../domain/curriculum.service';
import { ApiCourseNotFound, ApiCoursePath, ApiInvalidInput, ManagesCourse, NoContent } from './course-routes';
import {
  CreateLessonDto,
  CreateSectionDto,
  CurriculumDto,
  LessonDto,
  SectionDto,
  toCurriculumDto,
  toLessonDto,
  toSectionDto,
  UpdateSectionDto,
} from './curriculum.dto';

const SECTION_NOT_FOUND = 'No such course (or one the caller cannot see), or no such section in it.';

/** A course's curriculum: reading its outline, and authoring its sections (and new lessons in them). */
@ApiTags('curriculum')
@Controller('courses')
export class CurriculumController {
  constructor(
    private readonly curriculum: CurriculumService,
    private readonly authoring: CurriculumAuthoringService,
  ) {}

  @Get(':id/curriculum')
  @OptionalAuth()
  @ApiOperation({
    summary: "A course's sections and lessons, in order (no lesson bodies)",
    description:
      'For anyone who can see the course: published courses for all, drafts for their instructor and admins.',
  })
  @ApiCoursePath()
  @ApiOkResponse({ type: CurriculumDto })
  @ApiCourseNotFound()
  async get(
    @Param('id') id: string,
    @CurrentUser() caller: AuthenticatedUser | undefined,
  ): Promise<CurriculumDto> {
    return toCurriculumDto(await this.curriculum.curriculum(id, caller));
  }

  @Post(':id/sections')
  @ManagesCourse(SECTION_NOT_FOUND)
  @ApiOperation({ summary: "Add a section (the course's instructor or an admin)" })
  @ApiCoursePath()
  @ApiCreatedResponse({ type: SectionDto })
  @ApiInvalidInput()
  async createSection(
    @Param('id') id: string,
    @Body() body: CreateSectionDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<SectionDto> {
    return toSectionDto(await this.authoring.createSection(id, body, caller));
  }

  @Patch(':id/sections/:sectionId')
  @ManagesCourse(SECTION_NOT_FOUND)
  @ApiOperation({ summary: "Rename or move a section (the course's instructor or an admin)" })
  @ApiCoursePath('sectionId')
  @ApiOkResponse({ type: SectionDto })
  @ApiInvalidInput()
  async updateSection(
    @Param('id') id: string,
    @Param('sectionId') sectionId: string,
    @Body() body: UpdateSectionDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<SectionDto> {
    return toSectionDto(await this.authoring.updateSection(id, sectionId, body, caller));
  }

  @Delete(':id/sections/:sectionId')
  @ManagesCourse(SECTION_NOT_FOUND)
  @ApiOperation({ summary: "Delete an empty section (the course's instructor or an admin)" })
  @ApiCoursePath('sectionId')
  @NoContent('Deleted; the sections after it moved up.')
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The section still has lessons.' })
  async deleteSection(
    @Param('id') id: string,
    @Param('sectionId') sectionId: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<void> {
    await this.authoring.deleteSection(id, sectionId, caller);
  }

  @Post(':id/sections/:sectionId/lessons')
  @ManagesCourse(SECTION_NOT_FOUND)
  @ApiOperation({
    summary: "Add a lesson to a section (the course's instructor or an admin)",
    description:
      'The Markdown body is stored as given and rendered to sanitised HTML; videoUrl must be https.',
  })
  @ApiCoursePath('sectionId')
  @ApiCreatedResponse({ type: LessonDto })
  @ApiInvalidInput()
  async createLesson(
    @Param('id') id: string,
    @Param('sectionId') sectionId: string,
    @Body() body: CreateLessonDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<LessonDto> {
    return toLessonDto(await this.authoring.createLesson(id, sectionId, body, caller));
  }
}

import { ApiErrors, type AuthenticatedUser, CurrentUser, NoContent } from '@coursehub/core';
import { Body, Controller, Delete, Get, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurriculumAuthoringService } from '../domain/curriculum-authoring.service';
import { CurriculumService } from '../domain/curriculum.service';
import { AcceptsInput, ManagesCourse, ReadsCourse } from './course-routes';
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
  @ReadsCourse()
  @ApiOperation({
    summary: "A course's sections and lessons, in order (no lesson bodies)",
    description:
      'For anyone who can see the course: published courses for all, drafts for their instructor and admins.',
  })
  @ApiOkResponse({ type: CurriculumDto })
  async get(
    @Param('id') id: string,
    @CurrentUser() caller: AuthenticatedUser | undefined,
  ): Promise<CurriculumDto> {
    return toCurriculumDto(await this.curriculum.curriculum(id, caller));
  }

  @Post(':id/sections')
  @ManagesCourse(SECTION_NOT_FOUND)
  @ApiOperation({ summary: "Add a section (the course's instructor or an admin)" })
  @AcceptsInput(HttpStatus.CREATED, SectionDto)
  async createSection(
    @Param('id') id: string,
    @Body() body: CreateSectionDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<SectionDto> {
    return toSectionDto(await this.authoring.createSection(id, body, caller));
  }

  @Patch(':id/sections/:sectionId')
  @ManagesCourse(SECTION_NOT_FOUND, 'sectionId')
  @ApiOperation({ summary: "Rename or move a section (the course's instructor or an admin)" })
  @AcceptsInput(HttpStatus.OK, SectionDto)
  async updateSection(
    @Param('id') id: string,
    @Param('sectionId') sectionId: string,
    @Body() body: UpdateSectionDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<SectionDto> {
    return toSectionDto(await this.authoring.updateSection(id, sectionId, body, caller));
  }

  @Delete(':id/sections/:sectionId')
  @ManagesCourse(SECTION_NOT_FOUND, 'sectionId')
  @ApiOperation({ summary: "Delete an empty section (the course's instructor or an admin)" })
  @NoContent('Deleted; the sections after it moved up.')
  @ApiErrors({ 409: 'The section still has lessons.' })
  async deleteSection(
    @Param('id') id: string,
    @Param('sectionId') sectionId: string,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<void> {
    await this.authoring.deleteSection(id, sectionId, caller);
  }

  @Post(':id/sections/:sectionId/lessons')
  @ManagesCourse(SECTION_NOT_FOUND, 'sectionId')
  @ApiOperation({
    summary: "Add a lesson to a section (the course's instructor or an admin)",
    description:
      'The Markdown body is stored as given and rendered to sanitised HTML; videoUrl must be https.',
  })
  @AcceptsInput(HttpStatus.CREATED, LessonDto)
  async createLesson(
    @Param('id') id: string,
    @Param('sectionId') sectionId: string,
    @Body() body: CreateLessonDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<LessonDto> {
    return toLessonDto(await this.authoring.createLesson(id, sectionId, body, caller));
  }
}

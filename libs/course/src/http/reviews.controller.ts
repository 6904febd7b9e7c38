import { Authenticated, type AuthenticatedUser, CurrentUser, NoContent, PageQueryDto } from '@coursehub/core';
import { Body, Controller, Delete, Get, HttpStatus, Param, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ReviewsService } from '../domain/reviews.service';
import {
  AcceptsInput,
  ApiCourseNotFound,
  ApiCoursePath,
  ApiInvalidInput,
  ApiNotEnrolled,
  ReadsCourse,
} from './course-routes';
import { PutReviewDto, ReviewDto, ReviewPageDto, toReviewDto } from './review.dto';

@ApiTags('reviews')
@Controller('courses')
export class ReviewsController {
  constructor(private readonly reviews: ReviewsService) {}

  @Put(':id/reviews/mine')
  @Authenticated()
  @ApiOperation({
    summary: "Write or change the caller's review of a course",
    description:
      'One review per learner and course; only learners with an active enrolment. 201 for the first ' +
      "review, 200 when it replaces the caller's earlier one. The course's `rating` changes at once.",
  })
  @ApiCoursePath()
  @ApiCreatedResponse({ type: ReviewDto, description: 'First review of this course by the caller.' })
  @ApiOkResponse({ type: ReviewDto, description: "The caller's review, replaced." })
  @ApiInvalidInput()
  @ApiNotEnrolled()
  @ApiCourseNotFound()
  async putMine(
    @Param('id') id: string,
    @Body() body: PutReviewDto,
    @CurrentUser() caller: AuthenticatedUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReviewDto> {
    const { review, created } = await this.reviews.putMine(id, caller, body);
    void reply.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return toReviewDto(review);
  }

  @Delete(':id/reviews/mine')
  @Authenticated()
  @ApiOperation({ summary: "Delete the caller's review of a course" })
  @ApiCoursePath()
  @NoContent('Deleted; the course’s rating no longer counts it.')
  @ApiCourseNotFound('Unknown course, or no review by the caller.')
  async deleteMine(@Param('id') id: string, @CurrentUser() caller: AuthenticatedUser): Promise<void> {
    await this.reviews.deleteMine(id, caller);
  }

  @Get(':id/reviews')
  @ReadsCourse()
  @ApiOperation({ summary: "A course's reviews, newest first, with each reviewer's display name" })
  @AcceptsInput(HttpStatus.OK, ReviewPageDto)
  async list(
    @Param('id') id: string,
    @Query() query: PageQueryDto,
    @CurrentUser() caller: AuthenticatedUser | undefined,
  ): Promise<ReviewPageDto> {
    const page = await this.reviews.list(id, caller, query.limit, query.cursor);
    return { items: page.items.map(toReviewDto), nextCursor: page.nextCursor };
  }
}

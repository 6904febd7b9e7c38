import {
  Answers,
  ApiErrors,
  Authenticated,
  type AuthenticatedUser,
  CurrentUser,
  NoContent,
  OptionalAuth,
  RateLimit,
} from '@coursehub/core';
import {
  applyDecorators,
  Body,
  Controller,
  Delete,
  Get,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiHeader, ApiNotModifiedResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DEFAULT_RECOMMENDATIONS } from '../course.constants';
import { CoursesService } from '../domain/courses.service';
import { RecommendationsService } from '../domain/recommendations.service';
import { CourseDto, CoursePageDto, toCourseDto } from './course.dto';
import { CreateCourseDto, ListCoursesQueryDto, UpdateCourseDto } from './course-requests.dto';
import {
  AcceptsInput,
  ApiCourseNotFound,
  ApiCoursePath,
  ApiInvalidInput,
  ReadsCourse,
} from './course-routes';
import { courseETag, pageETag, renderOnce, sendCacheable } from './http-caching';
import { RecommendationListDto, RecommendationQueryDto, toRecommendationListDto } from './recommendation.dto';

const IF_NONE_MATCH = {
  name: 'If-None-Match',
  required: false,
  description: 'The ETag of a copy held: 304 Not Modified while it is current.',
};
const CACHING =
  'Answers carry a strong ETag (changed by every update of the course) and Cache-Control: ' +
  '`public, max-age=60` for anonymous reads of published courses, `private, no-store` otherwise.';
const SLUG_TAKEN = { 409: 'Slug already taken.' } as const;

/**
 * A change to one course, as `summary` says: instructors and admins only (the service then lets only
 * the course's own instructor or an admin through).
 */
const ChangesCourse = (summary: string) =>
  applyDecorators(
    Authenticated('instructor', 'admin'),
    ApiOperation({ summary }),
    ApiCoursePath(),
    ApiCourseNotFound(),
  );

@ApiTags('courses')
@Controller('courses')
export class CoursesController {
  constructor(
    private readonly courses: CoursesService,
    private readonly recommendations: RecommendationsService,
  ) {}

  @Post()
  @Authenticated('instructor', 'admin')
  @ApiOperation({ summary: 'Create a draft course taught by the caller' })
  @AcceptsInput(HttpStatus.CREATED, CourseDto)
  @ApiErrors(SLUG_TAKEN)
  async create(@Body() body: CreateCourseDto, @CurrentUser() caller: AuthenticatedUser): Promise<CourseDto> {
    return toCourseDto(await this.courses.create(body, caller));
  }

  @Get()
  @RateLimit('search') // above @OptionalAuth(): its guard runs first, so a signed-in caller is counted as a user
  @OptionalAuth()
  @ApiOperation({
    summary: 'Search and list courses',
    description:
      'Published courses; instructors also see their own drafts and archived courses, admins all. ' +
      'With `q`, courses matching all words come first, then those matching most of them; close ' +
      'misspellings of titles and tags are found when the words find few courses. `total` is exact ' +
      'up to 1,000; beyond, it is 1,000 and `totalIsEstimate` is true (there are more). ' +
      CACHING.replace('of published courses', ''),
  })
  @ApiOkResponse({ type: CoursePageDto })
  @ApiNotModifiedResponse({ description: 'The ETag in If-None-Match is current.' })
  @ApiInvalidInput()
  @ApiHeader(IF_NONE_MATCH)
  async list(
    @Query() query: ListCoursesQueryDto,
    @CurrentUser() caller: AuthenticatedUser | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const page = await this.courses.list(query, caller);
    const { json, etag } = renderOnce(page, () => ({
      body: {
        items: page.items.map(toCourseDto),
        total: page.total,
        totalIsEstimate: page.totalIsEstimate,
        nextCursor: page.nextCursor,
      } satisfies CoursePageDto,
      etag: pageETag(page.items, [page.total, page.totalIsEstimate, page.nextCursor]),
    }));
    // Anyone's page of published courses is the same for everyone; a signed-in caller's may hold drafts.
    sendCacheable(request, reply, json, { etag, shared: !caller });
  }

  // Declared before `:id` so that "recommendations" is never taken for a course slug.
  @Get('recommendations')
  @Authenticated()
  @ApiOperation({ summary: 'Personalised recommendations for the caller' })
  @ApiOkResponse({ type: RecommendationListDto })
  async recommendationsForCaller(
    @Query() query: RecommendationQueryDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<RecommendationListDto> {
    return toRecommendationListDto(
      await this.recommendations.forUser(caller.id, query.limit ?? DEFAULT_RECOMMENDATIONS),
    );
  }

  @Get(':id')
  @ReadsCourse()
  @ApiOperation({
    summary: 'One course by id or slug',
    description: CACHING,
  })
  @ApiHeader(IF_NONE_MATCH)
  @ApiOkResponse({ type: CourseDto })
  @ApiNotModifiedResponse({ description: 'The ETag in If-None-Match is current.' })
  async get(
    @Param('id') id: string,
    @CurrentUser() caller: AuthenticatedUser | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const course = await this.courses.getVisible(id, caller);
    const shared = !caller && course.status === 'published';
    // An anonymous reader's course comes from the public cache, the same object on every hit:
    // rendered once. A signed-in caller's is read afresh, so rendering once would gain nothing.
    const rendered = shared
      ? renderOnce(course, () => ({ body: toCourseDto(course), etag: courseETag(course) }))
      : undefined;
    sendCacheable(request, reply, rendered?.json ?? toCourseDto(course), {
      etag: rendered?.etag ?? courseETag(course),
      shared,
    });
  }

  @Get(':id/similar')
  @ReadsCourse()
  @ApiOperation({ summary: 'Courses similar to this one (leaving out those the caller owns)' })
  @ApiOkResponse({ type: RecommendationListDto })
  async similar(
    @Param('id') id: string,
    @Query() query: RecommendationQueryDto,
    @CurrentUser() caller: AuthenticatedUser | undefined,
  ): Promise<RecommendationListDto> {
    const course = await this.courses.getVisible(id, caller);
    return toRecommendationListDto(
      await this.recommendations.similarTo(course.id, query.limit ?? DEFAULT_RECOMMENDATIONS, caller?.id),
    );
  }

  @Patch(':id')
  @ChangesCourse('Change a course (its instructor or an admin)')
  @AcceptsInput(HttpStatus.OK, CourseDto)
  @ApiErrors(SLUG_TAKEN)
  async update(
    @Param('id') id: string,
    @Body() body: UpdateCourseDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<CourseDto> {
    return toCourseDto(await this.courses.update(id, body, caller));
  }

  @Delete(':id')
  @ChangesCourse('Archive a course (its instructor or an admin); it leaves the catalogue')
  @NoContent('Archived.')
  async archive(@Param('id') id: string, @CurrentUser() caller: AuthenticatedUser): Promise<void> {
    await this.courses.archive(id, caller);
  }

  @Post(':id/publish')
  @ChangesCourse('Publish a course (its instructor or an admin); announces course.published')
  @Answers(HttpStatus.OK, CourseDto)
  async publish(@Param('id') id: string, @CurrentUser() caller: AuthenticatedUser): Promise<CourseDto> {
    return toCourseDto(await this.courses.publish(id, caller));
  }
}

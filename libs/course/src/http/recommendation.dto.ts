import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { DEFAULT_RECOMMENDATIONS, MAX_RECOMMENDATIONS } from '../course.constants';
import type { CourseRecommendation } from '../domain/recommendations.service';
import { CourseDto, toCourseDto } from './course.dto';

export class RecommendationQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_RECOMMENDATIONS,
    default: DEFAULT_RECOMMENDATIONS,
    example: 10,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_RECOMMENDATIONS)
  limit?: number;
}

export class RecommendationReasonDto {
  @ApiProperty({
    enum: ['enrolled-in', 'completed', 'similar-topics', 'new-match', 'taken-with', 'popular'],
    example: 'completed',
    description:
      '`enrolled-in` / `completed`: co-enrolment with a course the caller owns or completed; ' +
      '`similar-topics`: text similarity; `new-match`: a course with (almost) no enrolments yet whose ' +
      "text matches the caller's taste; `taken-with`: co-enrolment with the course asked about; " +
      '`popular`: popularity fill.',
  })
  kind!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '0d6f7a52-3c1b-4e8e-8a0b-6a3b1f2e9c11',
    description: "The course the reason refers to (the caller's, or the one asked about).",
  })
  courseId?: string;

  @ApiPropertyOptional({ example: 'Practical PostgreSQL' }) title?: string;
  @ApiPropertyOptional({ type: [String], example: ['postgresql', 'indexes', 'replication'] })
  terms?: string[];
  @ApiPropertyOptional({ example: 'development' }) category?: string;
}

export class RecommendationDto {
  @ApiProperty({ type: CourseDto }) course!: CourseDto;

  @ApiProperty({
    example: 0.4172,
    description: 'Ranking score of the signal that produced the item; 0 for popularity fill.',
  })
  score!: number;

  @ApiProperty({ enum: ['collaborative', 'content', 'popular'], example: 'collaborative' }) source!: string;

  @ApiProperty({
    example: 'because you completed Practical PostgreSQL; rated 4.6 by 120 learners',
    description: 'Why, in English; courses rated by at least 3 learners also quote their rating.',
  })
  reason!: string;

  @ApiProperty({ type: RecommendationReasonDto }) because!: RecommendationReasonDto;
}

export class RecommendationListDto {
  @ApiProperty({ type: [RecommendationDto] }) items!: RecommendationDto[];
}

export function toRecommendationListDto(items: CourseRecommendation[]): RecommendationListDto {
  return {
    items: items.map(({ course, score, source, reason, because }) => ({
      course: toCourseDto(course),
      score,
      source,
      reason,
      because: 'terms' in because ? { ...because, terms: [...because.terms] } : because,
    })),
  };
}

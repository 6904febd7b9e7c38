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
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_RECOMMENDATIONS)
  limit?: number;
}

export class RecommendationReasonDto {
  @ApiProperty({ enum: ['enrolled-in', 'similar-topics', 'taken-with', 'popular'] }) kind!: string;
  @ApiPropertyOptional({ format: 'uuid' }) courseId?: string;
  @ApiPropertyOptional() title?: string;
  @ApiPropertyOptional({ type: [String] }) terms?: string[];
  @ApiPropertyOptional() category?: string;
}

export class RecommendationDto {
  @ApiProperty({ type: CourseDto }) course!: CourseDto;
  @ApiProperty() score!: number;
  @ApiProperty({ enum: ['collaborative', 'content', 'popular'] }) source!: string;
  @ApiProperty({ example: 'because you enrolled in Practical PostgreSQL' }) reason!: string;
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

import { PageDto } from '@coursehub/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { PublicReview } from '../data/reviews.repository';

export const MAX_REVIEW_COMMENT = 2_000;

/** `PUT /courses/:id/reviews/mine`. */
export class PutReviewDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5, example: 5 })
  @IsInt()
  @Min(1)
  @Max(5)
  rating!: number;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: MAX_REVIEW_COMMENT,
    example: 'Clear explanations of indexes and query plans; the exercises were worth it.',
    description: 'Trimmed; empty or null means no comment.',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(MAX_REVIEW_COMMENT)
  comment?: string | null;
}

export class ReviewDto {
  @ApiProperty({ format: 'uuid', example: '5b1e3c1a-7d3f-4a57-9a51-2f0c9c1d8e42' }) id!: string;
  @ApiProperty({ format: 'uuid', example: '0d6f7a52-3c1b-4e8e-8a0b-6a3b1f2e9c11' }) courseId!: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5, example: 5 }) rating!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Clear explanations of indexes and query plans; the exercises were worth it.',
  })
  comment!: string | null;

  @ApiProperty({
    example: 'Ada Lovelace',
    description: 'The reviewer\'s display name; "Former learner" once their account was erased.',
  })
  authorName!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-20T09:30:00.000Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-21T16:05:12.000Z' }) updatedAt!: string;
}

export class ReviewPageDto extends PageDto(ReviewDto) {}

export function toReviewDto(review: PublicReview): ReviewDto {
  return {
    id: review.id,
    courseId: review.courseId,
    rating: review.rating,
    comment: review.comment,
    authorName: review.authorName,
    createdAt: review.createdAt.toISOString(),
    updatedAt: review.updatedAt.toISOString(),
  };
}

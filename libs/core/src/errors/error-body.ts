import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';

export class FieldErrorDto {
  @ApiProperty({ example: 'email', description: 'Path of the offending field (dots for nesting).' })
  field!: string;

  @ApiProperty({ type: [String], example: ['email must be an email'] })
  messages!: string[];
}

/** The one shape of every error response of every CourseHub service. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request', description: 'HTTP reason phrase.' })
  error!: string;

  @ApiProperty({ example: 'Validation failed' })
  message!: string;

  @ApiProperty({ example: '5f0c6c1e-0c4e-4d6b-9b7e-6f1f3e4b2a10', description: 'Echo of x-request-id.' })
  requestId!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Field-level messages of a validation error.' })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({ description: 'Per-dependency status, on a failed readiness check.' })
  details?: Record<string, unknown>;
}

export function errorBody(
  statusCode: number,
  message: string,
  requestId: string,
  errors?: FieldErrorDto[],
): ErrorResponseDto {
  return {
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message,
    requestId,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

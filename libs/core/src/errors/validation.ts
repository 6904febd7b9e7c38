import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldErrorDto } from './error-body';

/** A 400 that carries field-level messages; the exception filter renders them as `errors`. */
export class RequestValidationException extends BadRequestException {
  constructor(readonly fieldErrors: FieldErrorDto[]) {
    super(`Validation failed: ${fieldErrors.map((error) => error.field).join(', ')}`);
  }
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldErrorDto[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Explicit conversion only (@Type); implicit conversion turns "abc" into NaN silently.
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => new RequestValidationException(flattenValidationErrors(errors)),
  });
}

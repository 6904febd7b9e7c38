import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldErrorDto } from './error-body';

/** A 400 that carries field-level messages; the exception filter renders them as `errors`. */
export class RequestValidationException extends BadRequestException {
  constructor(readonly fieldErrors: FieldErrorDto[]) {
    super(`Validation failed: ${fieldErrors.map((error) => error.field).join(', ')}`);
  }
}

/**
 * Which failed constraint says best what is wrong, first first: an unknown field, then the kind of
 * value (a string, an integer, one of a list), then everything else (lengths, ranges, patterns).
 * A value of the wrong kind fails its range checks too, and "must be shorter than 254 characters"
 * for a number helps no one.
 */
const CONSTRAINT_PRIORITY = [
  'whitelistValidation',
  'isDefined',
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isArray',
  'isObject',
  'isDate',
  'isIn',
  'isEnum',
  'isUuid',
];

function rank(constraint: string): number {
  const index = CONSTRAINT_PRIORITY.indexOf(constraint);
  return index === -1 ? CONSTRAINT_PRIORITY.length : index;
}

/** The one message of a field: "is required" when it is missing, else its most telling failure. */
function messageOf(error: ValidationError, field: string): string | undefined {
  const constraints = Object.entries(error.constraints ?? {});
  if (constraints.length === 0) return undefined;
  constraints.sort(([a], [b]) => rank(a) - rank(b));
  const [name, message] = constraints[0];
  if (name !== 'whitelistValidation' && (error.value === undefined || error.value === null)) {
    return `${field} is required`;
  }
  return message;
}

/** One entry per failing field (dots for nesting), each with the one message that matters most. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldErrorDto[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const message = messageOf(error, field);
    const own = message ? [{ field, messages: [message] }] : [];
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
    // Every constraint runs; flattenValidationErrors picks the message that says what is wrong.
    stopAtFirstError: false,
    exceptionFactory: (errors) => new RequestValidationException(flattenValidationErrors(errors)),
  });
}

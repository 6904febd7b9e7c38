import { EMAIL_ADDRESS_RULE, isEmailAddress, normaliseEmailAddress } from '@coursehub/contracts';
import { Transform } from 'class-transformer';
import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * DTO side of the one e-mail rule of @coursehub/contracts: an address field is normalised
 * (trimmed, lower-cased, domain in punycode) and must then be valid, so what a DTO accepts is
 * exactly what the `user.registered` contract accepts.
 */
export function NormaliseEmailAddress(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? normaliseEmailAddress(value) : value,
  );
}

export function IsEmailAddress(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEmailAddress',
      validator: {
        validate: (value: unknown) => isEmailAddress(value),
        defaultMessage: (args) => `${args?.property ?? 'email'} must be ${EMAIL_ADDRESS_RULE}`,
      },
    },
    options,
  );
}

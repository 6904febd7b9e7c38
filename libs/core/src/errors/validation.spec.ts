import { ValidationError } from 'class-validator';
import { flattenValidationErrors } from './validation';

function failure(property: string, value: unknown, constraints: Record<string, string>): ValidationError {
  return Object.assign(new ValidationError(), { property, value, constraints, children: [] });
}

describe('flattenValidationErrors', () => {
  it('reports a missing field as required, not by the length it does not have', () => {
    const errors = [
      failure('email', undefined, {
        maxLength: 'email must be shorter than or equal to 254 characters',
        isEmailAddress: 'email must be an e-mail address',
      }),
    ];
    expect(flattenValidationErrors(errors)).toEqual([{ field: 'email', messages: ['email is required'] }]);
  });

  it('reports the kind of value before its range', () => {
    const errors = [
      failure('limit', NaN, {
        max: 'limit must not be greater than 100',
        min: 'limit must not be less than 1',
        isInt: 'limit must be an integer number',
      }),
    ];
    expect(flattenValidationErrors(errors)).toEqual([
      { field: 'limit', messages: ['limit must be an integer number'] },
    ]);
  });

  it('keeps an unknown field an unknown field, even when null', () => {
    const errors = [failure('isAdmin', null, { whitelistValidation: 'property isAdmin should not exist' })];
    expect(flattenValidationErrors(errors)).toEqual([
      { field: 'isAdmin', messages: ['property isAdmin should not exist'] },
    ]);
  });

  it('names nested fields with dots', () => {
    const parent = Object.assign(new ValidationError(), {
      property: 'filter',
      value: {},
      children: [failure('from', 'x', { isDate: 'from must be a Date instance' })],
    });
    expect(flattenValidationErrors([parent])).toEqual([
      { field: 'filter.from', messages: ['from must be a Date instance'] },
    ]);
  });
});

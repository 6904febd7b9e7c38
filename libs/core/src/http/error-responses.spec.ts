import { HttpStatus } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { ErrorResponseDto } from '../errors';
import { Answers, NoContent } from './answers.decorator';
import { ApiErrors, RETRY_AFTER_HEADER } from './error-responses';

/** Where @nestjs/swagger keeps a method's responses (its DECORATORS.API_RESPONSE, not exported). */
const API_RESPONSE_METADATA = 'swagger/apiResponse';

class LinkDto {}

class Routes {
  @Answers(HttpStatus.ACCEPTED, LinkDto)
  @ApiErrors({ 400: true, 409: 'Taken.', 429: 'Too often.' })
  send(): void {}

  @NoContent()
  @ApiErrors({ 503: 'Retry later.' })
  remove(): void {}
}

const responsesOf = (method: keyof Routes): Record<string, unknown> =>
  Reflect.getMetadata(API_RESPONSE_METADATA, Routes.prototype[method]) as Record<string, unknown>;
const statusOf = (method: keyof Routes): unknown =>
  Reflect.getMetadata(HTTP_CODE_METADATA, Routes.prototype[method]) as unknown;

describe('route answer decorators', () => {
  it('ApiErrors documents each status in the one error shape; 429 and 503 with Retry-After', () => {
    expect(responsesOf('send')).toMatchObject({
      400: { type: ErrorResponseDto, description: '' },
      409: { type: ErrorResponseDto, description: 'Taken.' },
      429: { type: ErrorResponseDto, description: 'Too often.', headers: RETRY_AFTER_HEADER },
    });
    expect(responsesOf('send')[400]).not.toHaveProperty('headers');
    expect(responsesOf('remove')[503]).toMatchObject({ type: ErrorResponseDto, headers: RETRY_AFTER_HEADER });
  });

  it('Answers sets the status code and documents its body; NoContent answers 204 without one', () => {
    expect(statusOf('send')).toBe(HttpStatus.ACCEPTED);
    expect(responsesOf('send')[202]).toMatchObject({ type: LinkDto });
    expect(statusOf('remove')).toBe(HttpStatus.NO_CONTENT);
    expect(responsesOf('remove')[204]).toMatchObject({ type: undefined, description: '' });
  });
});

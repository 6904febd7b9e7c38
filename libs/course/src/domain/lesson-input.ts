import { InvalidInputError } from '@coursehub/core';
import { isWithinBodyLimit, MAX_LESSON_BODY_BYTES } from './markdown';

/** The rules the DTOs also check, kept here so that no other caller can get around them. */
export function checkLessonInput(input: { body?: string; videoUrl?: string | null }): void {
  if (input.body !== undefined && !isWithinBodyLimit(input.body)) {
    throw new InvalidInputError(`body must be at most ${MAX_LESSON_BODY_BYTES / 1024} KB of Markdown`);
  }
  if (input.videoUrl !== undefined && input.videoUrl !== null && !isHttpsUrl(input.videoUrl)) {
    throw new InvalidInputError('videoUrl must be an https URL');
  }
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

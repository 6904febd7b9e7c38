import type { AuthenticatedUser } from '@coursehub/core';
import { randomUUID } from 'node:crypto';
import type { NewCourse } from './courses.service';

/** A signed-in caller with the given roles (and a fresh id). */
export function person(...roles: AuthenticatedUser['roles']): AuthenticatedUser {
  return { id: randomUUID(), email: `${randomUUID()}@example.com`, roles };
}

/** A valid new course for tests (the service's unit tests and the HTTP tests' request bodies). */
export function sampleCourse(overrides: Partial<NewCourse> = {}): NewCourse {
  return {
    title: 'Practical PostgreSQL',
    summary: 'Queries, indexes and transactions for application developers.',
    description: 'A hands-on course.',
    tags: ['sql', 'databases'],
    category: 'development',
    level: 'beginner',
    language: 'en',
    price: 4900,
    currency: 'EUR',
    ...overrides,
  };
}

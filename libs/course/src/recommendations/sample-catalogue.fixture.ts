/*
 * Test data and helpers shared by the recommendation model's specs: a small catalogue with text,
 * categories, a draft and an archived course, and who is enrolled where.
 */
import type { RecommendationModel } from './recommendation-model';
import type { CourseFeatures, Enrolment, Recommendation } from './types';

/** A deterministic random stream (a linear congruential generator), the same on every run. */
export function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

export function course(id: string, overrides: Partial<CourseFeatures> = {}): CourseFeatures {
  return { id, title: id, tags: [], category: 'General', status: 'published', ...overrides };
}

export function enrolments(byUser: Record<string, string[]>): Enrolment[] {
  return Object.entries(byUser).flatMap(([userId, courseIds]) =>
    courseIds.map((courseId) => ({ userId, courseId })),
  );
}

export const ids = (items: readonly { courseId: string }[]) => items.map((item) => item.courseId);

/** A small catalogue with text, categories, a draft and an archived course. */
export const catalogue: CourseFeatures[] = [
  course('sql', {
    title: 'Intro to SQL',
    summary: 'Queries, joins and indexes in PostgreSQL',
    tags: ['sql', 'databases'],
    category: 'Data',
  }),
  course('pg', {
    title: 'PostgreSQL Performance',
    summary: 'Indexes, query plans and tuning for PostgreSQL databases',
    tags: ['postgresql', 'databases', 'performance'],
    category: 'Data',
  }),
  course('ml', {
    title: 'Machine Learning Basics',
    summary: 'Regression and classification with Python',
    tags: ['machine-learning', 'python'],
    category: 'Data',
  }),
  course('py', {
    title: 'Python for Beginners',
    summary: 'Variables, functions and loops in Python',
    tags: ['python', 'programming'],
    category: 'Development',
  }),
  course('react', {
    title: 'React Fundamentals',
    summary: 'Components, hooks and state',
    tags: ['react', 'javascript', 'frontend'],
    category: 'Development',
  }),
  course('figma', {
    title: 'Figma for UI',
    summary: 'Frames and auto layout',
    tags: ['figma'],
    category: 'Design',
  }),
  course('ux', {
    title: 'User Research Methods',
    summary: 'Interviews and surveys',
    tags: ['research'],
    category: 'Design',
  }),
  course('nosql', {
    title: 'Databases beyond SQL',
    summary: 'MongoDB and Redis for PostgreSQL users',
    tags: ['databases', 'nosql'],
    category: 'Data',
  }),
  course('draft', {
    title: 'SQL Window Functions',
    tags: ['sql', 'databases'],
    category: 'Data',
    status: 'draft',
  }),
  course('old', {
    title: 'Legacy SQL Server',
    tags: ['sql', 'databases'],
    category: 'Data',
    status: 'archived',
  }),
];

export const platformEnrolments = enrolments({
  u1: ['sql', 'pg', 'old'],
  u2: ['sql', 'pg', 'old'],
  u3: ['sql', 'ml', 'py'],
  u4: ['py', 'ml'],
  u5: ['react', 'py'],
  u6: ['react'],
  u7: ['sql', 'old'],
});

/**
 * A course's served neighbours of one kind, read through the public API: `similarTo` with that
 * strategy lists every served neighbour (score > 0) before its popularity fill (score 0, source
 * `popular`), so without the fill it is exactly the precomputed list.
 */
export function neighboursOf(
  model: RecommendationModel,
  courseId: string,
  strategy: 'hybrid' | 'collaborative' | 'content',
): Recommendation[] {
  return model
    .similarTo(courseId, Number.MAX_SAFE_INTEGER, { strategy })
    .filter((item) => item.source !== 'popular');
}

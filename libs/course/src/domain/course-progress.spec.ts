import { isComplete, summariseProgress } from './course-progress';

describe('summariseProgress', () => {
  const lessons = ['l1', 'l2', 'l3'];
  const at = new Date('2026-11-29T10:00:00.000Z');

  it('lists completed lessons in reading order and names the first one left', () => {
    expect(summariseProgress('c', lessons, new Set(['l3', 'l1']), at, null)).toEqual({
      courseId: 'c',
      completedLessonIds: ['l1', 'l3'],
      completed: 2,
      total: 3,
      percent: 66,
      nextLessonId: 'l2',
      lastActivityAt: at,
      completedAt: null,
      certificateId: null,
    });
  });

  it('ignores completions of lessons the course no longer has', () => {
    const progress = summariseProgress('c', lessons, new Set(['gone', 'l1']), at, null);
    expect(progress).toMatchObject({ completedLessonIds: ['l1'], completed: 1, percent: 33 });
  });

  it('reports 100 only when every lesson is completed, and the certificate whatever the lessons say', () => {
    const certificate = { id: 'cert', completedAt: at };
    expect(summariseProgress('c', lessons, new Set(lessons), at, certificate)).toMatchObject({
      percent: 100,
      nextLessonId: null,
      completedAt: at,
      certificateId: 'cert',
    });
    const many = Array.from({ length: 201 }, (_, index) => `l${index}`);
    expect(summariseProgress('c', many, new Set(many.slice(1)), at, null).percent).toBe(99);
    // An undo after completion: the certificate stays.
    expect(summariseProgress('c', lessons, new Set(['l1']), at, certificate)).toMatchObject({
      completed: 1,
      certificateId: 'cert',
    });
  });

  it('reports a course without lessons as 0 % with nothing next', () => {
    expect(summariseProgress('c', [], new Set(), null, null)).toMatchObject({
      completed: 0,
      total: 0,
      percent: 0,
      nextLessonId: null,
    });
  });
});

describe('isComplete', () => {
  it('needs every lesson, and at least one', () => {
    expect(isComplete(['a', 'b'], new Set(['a', 'b', 'x']))).toBe(true);
    expect(isComplete(['a', 'b'], new Set(['a']))).toBe(false);
    expect(isComplete([], new Set())).toBe(false);
  });
});

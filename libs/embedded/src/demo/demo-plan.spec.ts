import { DEMO_CATEGORIES } from './demo-catalogue';
import { buildDemoLearningPlan } from './demo-learning';
import { buildDemoPlan, DEMO_SEED, slugOf } from './demo-plan';
import { SeededRandom } from '../random';

describe('buildDemoPlan', () => {
  const plan = buildDemoPlan();
  const categoryOf = new Map(plan.courses.map((course) => [course.input.slug, course.input.category]));

  it('is the same on every run', () => {
    expect(buildDemoPlan()).toEqual(plan);
    expect(buildDemoPlan(7)).not.toEqual(plan);
  });

  it('plans courses the course API accepts, with distinct titles and slugs', () => {
    expect(plan.courses.length).toBeGreaterThanOrEqual(36);
    expect(new Set(plan.courses.map((course) => course.input.title)).size).toBe(plan.courses.length);
    expect(new Set(plan.courses.map((course) => course.input.slug)).size).toBe(plan.courses.length);
    expect(new Set(categoryOf.values()).size).toBe(DEMO_CATEGORIES.length);
    for (const { input } of plan.courses) {
      expect(input.slug).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(input.slug.length).toBeLessThanOrEqual(120);
      expect(input.title.length).toBeGreaterThanOrEqual(3);
      expect(input.summary.length).toBeLessThanOrEqual(500);
      expect(input.tags.length).toBeLessThanOrEqual(20);
      for (const tag of input.tags) expect(tag).toMatch(/^[a-z0-9-]{1,40}$/);
      expect(Number.isInteger(input.price) && input.price >= 0).toBe(true);
      expect(input.currency).toBe('EUR');
      expect(input.language).toMatch(/^[a-z]{2,3}$/);
    }
    expect(plan.courses.some((course) => course.input.price === 0)).toBe(true);
  });

  it('gives every student distinct existing courses, mostly from one or two fields', () => {
    for (const student of plan.students) {
      expect(student.courseSlugs.length).toBeGreaterThanOrEqual(3);
      expect(new Set(student.courseSlugs).size).toBe(student.courseSlugs.length);
      const perCategory = new Map<string, number>();
      for (const slug of student.courseSlugs) {
        const category = categoryOf.get(slug);
        expect(category).toBeDefined();
        perCategory.set(category!, (perCategory.get(category!) ?? 0) + 1);
      }
      // The main field, maybe a second one, maybe one popular detour.
      const [main, second = 0, ...others] = [...perCategory.values()].sort((a, b) => b - a);
      expect(main).toBeGreaterThanOrEqual(2);
      expect(main).toBeGreaterThanOrEqual(second);
      expect(others.reduce((sum, count) => sum + count, 0)).toBeLessThanOrEqual(1);
    }
  });

  it('makes some courses popular: each field’s flagship is its most taken course', () => {
    const takers = new Map<string, number>();
    for (const slug of plan.students.flatMap((student) => student.courseSlugs)) {
      takers.set(slug, (takers.get(slug) ?? 0) + 1);
    }
    for (const category of DEMO_CATEGORIES) {
      const counts = category.courses.map((course) => takers.get(slugOf(course.title)) ?? 0);
      expect(counts[0]).toBe(Math.max(...counts));
    }
  });
});

describe('slugOf', () => {
  it('folds accents and punctuation into hyphenated lower-case words', () => {
    expect(slugOf('Conversación en español (B1)')).toBe('conversacion-en-espanol-b1');
    expect(slugOf('Node.js APIs with NestJS')).toBe('node-js-apis-with-nestjs');
  });
});

describe('SeededRandom', () => {
  it('repeats its stream for a seed and stays in range', () => {
    const first = new SeededRandom(42);
    const second = new SeededRandom(42);
    for (let index = 0; index < 1_000; index += 1) {
      const value = first.next();
      expect(second.next()).toBe(value);
      expect(value >= 0 && value < 1).toBe(true);
    }
  });

  it('samples distinct items', () => {
    const sample = new SeededRandom(1).weightedSample([1, 2, 3, 4, 5], 5, (item) => item);
    expect([...sample].sort()).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('buildDemoLearningPlan', () => {
  const plan = buildDemoPlan();
  const learning = buildDemoLearningPlan(plan.students, DEMO_SEED);

  it('is the same on every run and leaves the plan of accounts, courses and orders as it was', () => {
    expect(buildDemoLearningPlan(plan.students, DEMO_SEED)).toEqual(learning);
    expect(buildDemoPlan()).toEqual(plan);
  });

  it('gives every course 2–4 sections of 3–6 lessons the lesson API accepts, some of them previews', () => {
    expect(Object.keys(learning.curricula).sort()).toEqual(
      plan.courses.map((course) => course.input.slug).sort(),
    );
    for (const sections of Object.values(learning.curricula)) {
      expect(sections.length).toBeGreaterThanOrEqual(2);
      expect(sections.length).toBeLessThanOrEqual(4);
      for (const section of sections) {
        expect(section.title.length).toBeGreaterThan(0);
        expect(section.lessons.length).toBeGreaterThanOrEqual(3);
        expect(section.lessons.length).toBeLessThanOrEqual(6);
        for (const lesson of section.lessons) {
          expect(lesson.title.length).toBeLessThanOrEqual(200);
          expect(['article', 'video']).toContain(lesson.kind);
          if (lesson.kind === 'video') expect(lesson.videoUrl).toMatch(/^https:\/\//);
          expect(Buffer.byteLength(lesson.body)).toBeLessThan(100 * 1024);
          expect(Number.isInteger(lesson.durationSeconds) && lesson.durationSeconds > 0).toBe(true);
        }
      }
      expect(sections[0].lessons[0].preview).toBe(true);
      expect(sections.flatMap((section) => section.lessons).some((lesson) => !lesson.preview)).toBe(true);
    }
  });

  it('has students progress in courses they own, finish a few and review some', () => {
    const owned = new Map(plan.students.map((student) => [student.email, new Set(student.courseSlugs)]));
    const lessonCount = (slug: string) =>
      learning.curricula[slug].reduce((sum, section) => sum + section.lessons.length, 0);
    for (const study of learning.studies) {
      expect(owned.get(study.email)?.has(study.slug)).toBe(true);
      expect(study.lessonsCompleted).toBeGreaterThanOrEqual(1);
      expect(study.lessonsCompleted).toBeLessThanOrEqual(lessonCount(study.slug));
      if (study.review) {
        expect(Number.isInteger(study.review.rating)).toBe(true);
        expect(study.review.rating).toBeGreaterThanOrEqual(1);
        expect(study.review.rating).toBeLessThanOrEqual(5);
        expect((study.review.comment ?? '').length).toBeLessThanOrEqual(2000);
      }
    }
    const finished = learning.studies.filter((study) => study.lessonsCompleted === lessonCount(study.slug));
    expect(finished.length).toBeGreaterThan(0);
    expect(finished.length).toBeLessThan(learning.studies.length / 2);
    expect(learning.studies.filter((study) => study.review).length).toBeGreaterThan(10);
    expect(new Set(learning.studies.map((study) => study.email)).size).toBeGreaterThan(
      plan.students.length / 2,
    );
  });
});

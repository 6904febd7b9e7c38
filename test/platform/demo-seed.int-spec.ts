import {
  buildDemoLearningPlan,
  buildDemoPlan,
  DEMO_PASSWORD,
  DEMO_SEED_CREDENTIAL_REQUESTS,
  seedDemoData,
} from '@coursehub/embedded';
import { eventually } from '@coursehub/testing';
import { startTestPlatform, TestPlatform } from './platform-test-app';

const ADMIN = { email: 'admin@coursehub.test', password: 'admin-password-123' };

/**
 * Calls the test itself makes on the credential routes: two registrations standing in for an
 * interrupted earlier run, one student login and the second seeding's probe.
 */
const TEST_CREDENTIAL_REQUESTS = 4;

interface Course {
  id: string;
  slug: string;
  status: string;
  category: string;
  price: number;
  currency: string;
  enrolmentCount: number;
  rating: { average: number | null; count: number };
}

interface Curriculum {
  sections: { id: string; lessons: { id: string; preview: boolean }[] }[];
  lessonCount: number;
}

interface Page<T> {
  items: T[];
  total: number;
}

interface Recommendation {
  course: Course;
  source: string;
}

async function get<T>(baseUrl: string, path: string, token?: string): Promise<T> {
  const response = await fetch(baseUrl + path, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const body = (await response.json()) as T;
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

async function loginAs(baseUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await response.json()) as { accessToken: string };
  if (!response.ok) throw new Error(`login ${email}: ${response.status} ${JSON.stringify(body)}`);
  return body.accessToken;
}

async function register(baseUrl: string, account: { email: string; displayName: string }): Promise<void> {
  const response = await fetch(`${baseUrl}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: account.email, displayName: account.displayName, password: DEMO_PASSWORD }),
  });
  if (response.status !== 201) throw new Error(`register ${account.email}: ${response.status}`);
}

describe('seedDemoData against the platform (every feature in one process)', () => {
  const plan = buildDemoPlan();
  const learning = buildDemoLearningPlan(plan.students);
  const plannedOrders = plan.students.reduce((sum, student) => sum + student.courseSlugs.length, 0);
  const plannedLessons = Object.values(learning.curricula)
    .flat()
    .reduce((sum, section) => sum + section.lessons.length, 0);
  const plannedCompletions = learning.studies.reduce((sum, study) => sum + study.lessonsCompleted, 0);
  const plannedReviews = learning.studies.filter((study) => study.review).length;
  const lessonCountOf = (slug: string) =>
    learning.curricula[slug].reduce((sum, section) => sum + section.lessons.length, 0);
  const plannedFinished = learning.studies.filter(
    (study) => study.lessonsCompleted === lessonCountOf(study.slug),
  );
  let platform: TestPlatform;
  let url: string;

  beforeAll(async () => {
    platform = await startTestPlatform('demo_seed', ADMIN, {
      // Exactly what seeding needs plus the test's own calls: proves the documented number suffices.
      AUTH_THROTTLE_LIMIT: String(DEMO_SEED_CREDENTIAL_REQUESTS + TEST_CREDENTIAL_REQUESTS),
    });
    url = platform.url;
  });

  afterAll(() => platform?.stop());

  it('seeds instructors, published courses over several categories and students with orders, once', async () => {
    // An earlier run cut short (by the credential throttle, say) left two accounts behind.
    await register(url, plan.instructors[1]);
    await register(url, plan.students[4]);

    const lines: string[] = [];
    const summary = await seedDemoData({ baseUrl: url, admin: ADMIN, log: (line) => lines.push(line) });

    expect(summary).toEqual({
      skipped: false,
      instructors: plan.instructors.length,
      students: plan.students.length,
      courses: plan.courses.length,
      orders: plannedOrders,
      lessons: plannedLessons,
      completions: plannedCompletions,
      coursesCompleted: plannedFinished.length,
      reviews: plannedReviews,
    });
    expect(summary.coursesCompleted).toBeGreaterThan(0);
    expect(summary.instructors).toBeGreaterThanOrEqual(3);
    expect(summary.courses).toBeGreaterThanOrEqual(36);
    expect(summary.orders).toBeGreaterThanOrEqual(summary.students * 3);
    expect(lines.join('\n')).toContain('(2 from an interrupted run)');
    expect(lines.join('\n')).toContain(DEMO_PASSWORD);
    expect(lines.join('\n')).toContain('student01@demo.coursehub.local');

    const catalogue = await get<Page<Course>>(url, '/courses?limit=100');
    expect(catalogue.total).toBe(summary.courses);
    expect(catalogue.items.every((course) => course.status === 'published')).toBe(true);
    expect(new Set(catalogue.items.map((course) => course.category)).size).toBeGreaterThanOrEqual(5);
    expect(catalogue.items.filter((course) => course.price === 0).length).toBeGreaterThan(0);
    expect(new Set(catalogue.items.map((course) => course.currency))).toEqual(new Set(['EUR']));

    const search = await get<Page<Course>>(url, '/courses?q=spanish');
    expect(search.items.map((course) => course.slug)).toContain('spanish-for-beginners-a1');

    // Enrolments reach the course feature as order.confirmed events; wait until all have.
    const counted = await eventually(
      async () => (await get<Page<Course>>(url, '/courses?limit=100')).items,
      (courses) => courses.reduce((sum, course) => sum + course.enrolmentCount, 0) === summary.orders,
    );
    expect(counted.reduce((sum, course) => sum + course.enrolmentCount, 0)).toBe(summary.orders);

    // The reused instructor was promoted and teaches their field; the reused student has their orders.
    const dataScience = await get<Page<Course>>(url, '/courses?category=data-science&limit=100');
    expect(dataScience.total).toBe(
      plan.courses.filter((course) => course.instructorEmail === plan.instructors[1].email).length,
    );
    const student = plan.students[4];
    const token = await loginAs(url, student.email, DEMO_PASSWORD);
    const orders = await get<Page<{ courseId: string }>>(url, '/orders?limit=100', token);
    const owned = new Set(orders.items.map((order) => order.courseId));
    expect(owned.size).toBe(student.courseSlugs.length);

    const recommendations = await get<Page<Recommendation>>(url, '/courses/recommendations?limit=10', token);
    expect(recommendations.items).toHaveLength(10);
    for (const item of recommendations.items) expect(owned.has(item.course.id)).toBe(false);
    expect(recommendations.items.some((item) => item.source === 'collaborative')).toBe(true);

    // Every course has a curriculum of 2–4 sections of 3–6 lessons, with previews open to anyone.
    for (const course of counted) {
      const curriculum = await get<Curriculum>(url, `/courses/${course.id}/curriculum`);
      expect(curriculum.sections.length).toBeGreaterThanOrEqual(2);
      expect(curriculum.sections.length).toBeLessThanOrEqual(4);
      for (const section of curriculum.sections) {
        expect(section.lessons.length).toBeGreaterThanOrEqual(3);
        expect(section.lessons.length).toBeLessThanOrEqual(6);
      }
      expect(curriculum.lessonCount).toBe(lessonCountOf(course.slug));
      const preview = curriculum.sections[0].lessons[0];
      expect(preview.preview).toBe(true);
      expect((await fetch(`${url}/courses/${course.id}/lessons/${preview.id}`)).status).toBe(200);
    }

    // Ratings of the reviewed courses, and the student's progress.
    const ratedCourses = counted.filter((course) => course.rating.count > 0);
    expect(ratedCourses.reduce((sum, course) => sum + course.rating.count, 0)).toBe(plannedReviews);
    const byRating = await get<Page<Course>>(url, '/courses?sort=rating&limit=100');
    expect(byRating.items[0].rating.count).toBeGreaterThan(0);
    const reviewed = learning.studies.find((study) => study.review)!;
    const reviewedCourse = counted.find((course) => course.slug === reviewed.slug)!;
    const reviews = await get<Page<{ authorName: string; rating: number }>>(
      url,
      `/courses/${reviewedCourse.id}/reviews?limit=100`,
    );
    const reviewer = plan.students.find((candidate) => candidate.email === reviewed.email)!;
    expect(reviews.items).toContainEqual(
      expect.objectContaining({ authorName: reviewer.displayName, rating: reviewed.review!.rating }),
    );
    const studies = learning.studies.filter((study) => study.email === student.email);
    for (const study of studies) {
      const courseId = counted.find((course) => course.slug === study.slug)!.id;
      const progress = await get<{ completed: number; total: number }>(
        url,
        `/courses/${courseId}/progress`,
        token,
      );
      expect(progress).toMatchObject({ completed: study.lessonsCompleted, total: lessonCountOf(study.slug) });
    }

    const again = await seedDemoData({ baseUrl: url, admin: ADMIN });
    const { skipped, ...created } = again;
    expect(skipped).toBe(true);
    expect(new Set(Object.values(created))).toEqual(new Set([0])); // nothing created a second time
    expect((await get<Page<Course>>(url, '/courses?limit=1')).total).toBe(summary.courses);
  }, 300_000); // Seeding goes through the API: about 2,000 requests for curricula, progress and reviews.
});

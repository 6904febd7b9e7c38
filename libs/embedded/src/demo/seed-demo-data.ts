import { DEMO_CATEGORIES, DEMO_PASSWORD } from './demo-catalogue';
import { DemoApiClient } from './demo-api-client';
import { buildDemoLearningPlan, type DemoLearningPlan, type DemoStudyPlan } from './demo-learning';
import {
  buildDemoPlan,
  DEMO_STUDENT_COUNT,
  DemoAccount,
  DemoPlan,
  DemoPlannedCourse,
  DemoPlannedStudent,
} from './demo-plan';

export interface DemoSeedOptions {
  /** Where the platform serves /auth, /users, /courses and /orders, e.g. http://localhost:3000. */
  baseUrl: string;
  /** An existing admin: promotes the demo instructors. */
  admin: { email: string; password: string };
  /** Sent with every request, e.g. the platform's internal-request header (quiet access log). */
  headers?: Record<string, string>;
  log?: (line: string) => void;
}

/** The demo data this call put in place (all zero when `skipped`: it was already there). */
export interface DemoSeedSummary {
  skipped: boolean;
  instructors: number;
  students: number;
  courses: number;
  orders: number;
  /** Lessons over every course's curriculum. */
  lessons: number;
  /** Lesson completions of the students. */
  completions: number;
  /** Courses students finished (each with a certificate). */
  coursesCompleted: number;
  reviews: number;
}

/** How long seeding waits for an order to become an enrolment (the course service learns it from an event). */
const ENROLMENT_WAIT_MS = 60_000;

/** Requests in flight at once: quick, without queueing up the platform's database pools. */
const CONCURRENCY = 4;

/**
 * POST /auth/login and /auth/register calls one seeding makes, all from one client IP: the login
 * probe, the admin's login, and a registration and a login per demo account. The platform's
 * per-IP credential throttle (AUTH_THROTTLE_LIMIT per AUTH_THROTTLE_WINDOW_MS) must allow them.
 */
export const DEMO_SEED_CREDENTIAL_REQUESTS = 2 + 2 * (DEMO_CATEGORIES.length + DEMO_STUDENT_COUNT);

const THROTTLING_HINT =
  'The platform throttles POST /auth/login and /auth/register per client IP ' +
  '(AUTH_THROTTLE_LIMIT per AUTH_THROTTLE_WINDOW_MS, default 10 per minute), and demo seeding makes ' +
  `${DEMO_SEED_CREDENTIAL_REQUESTS} of them within seconds: start the platform with ` +
  `AUTH_THROTTLE_LIMIT=${DEMO_SEED_CREDENTIAL_REQUESTS} or more to seed it.`;

interface UserResponse {
  id: string;
  /** Not returned by today's auth service; used if a later one logs the new account in at once. */
  accessToken?: string;
}

interface TokenPairResponse {
  accessToken: string;
}

interface CourseResponse {
  id: string;
}

interface ProgressResponse {
  completed: number;
  total: number;
}

/** Runs `work` over `items`, at most `limit` at a time; after a failure starts nothing new and rethrows it. */
async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  // Every worker stops before this returns, so no request outlives a failed seeding.
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}

async function during<T>(step: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new Error(`Demo seeding failed while ${step}: ${(error as Error).message}`, { cause: error });
  }
}

function credentialLines(plan: DemoPlan): string[] {
  const students = plan.students;
  return [
    `Demo accounts share the password "${DEMO_PASSWORD}":`,
    `  students     ${students[0].email} … ${students[students.length - 1].email}`,
    `  instructors  ${plan.instructors.map((instructor) => instructor.email).join(', ')}`,
  ];
}

/** One seeding run: the accounts' tokens and the courses' ids as they are created. */
class DemoSeeding {
  private adminToken = '';
  private readonly tokens = new Map<string, string>();
  private readonly courseIds = new Map<string, string>();
  /** Course slug → its lesson ids in curriculum order. */
  private readonly lessonIds = new Map<string, string[]>();
  /** Accounts an interrupted earlier run had already registered. */
  reusedAccounts = 0;

  constructor(private readonly api: DemoApiClient) {}

  login(email: string, password: string): Promise<string> {
    return this.api
      .request<TokenPairResponse>('POST', '/auth/login', { body: { email, password } })
      .then((pair) => pair.accessToken);
  }

  /** Whether the demo data is there: its marker account, created last, can log in. */
  async markerExists(marker: DemoAccount): Promise<boolean> {
    const probe = await this.api.answer(
      'POST',
      '/auth/login',
      { body: { email: marker.email, password: DEMO_PASSWORD } },
      [401],
    );
    return probe.status !== 401;
  }

  async loginAdmin(admin: DemoSeedOptions['admin']): Promise<void> {
    this.adminToken = await this.login(admin.email, admin.password);
  }

  async createInstructor(instructor: DemoAccount): Promise<void> {
    const user = await this.register(instructor);
    await this.api.request('PATCH', `/users/${user.id}/roles`, {
      token: this.adminToken,
      body: { roles: ['student', 'instructor'] },
    });
    // Roles travel inside the access token, so it must be issued after the promotion.
    this.tokens.set(instructor.email, await this.login(instructor.email, DEMO_PASSWORD));
  }

  async createStudent(student: DemoAccount): Promise<void> {
    const user = await this.register(student);
    this.tokens.set(student.email, user.accessToken ?? (await this.login(student.email, DEMO_PASSWORD)));
  }

  /** Creates the course with its curriculum (sections, then their lessons, in order), then publishes it. */
  async createCourse(
    { instructorEmail, input }: DemoPlannedCourse,
    learning: DemoLearningPlan,
  ): Promise<void> {
    const token = this.tokens.get(instructorEmail)!;
    const course = await this.api.request<CourseResponse>('POST', '/courses', { token, body: input });
    const lessonIds: string[] = [];
    for (const section of learning.curricula[input.slug] ?? []) {
      const created = await this.api.request<CourseResponse>('POST', `/courses/${course.id}/sections`, {
        token,
        body: { title: section.title },
      });
      for (const lesson of section.lessons) {
        const made = await this.api.request<CourseResponse>(
          'POST',
          `/courses/${course.id}/sections/${created.id}/lessons`,
          { token, body: lesson },
        );
        lessonIds.push(made.id);
      }
    }
    await this.api.request('POST', `/courses/${course.id}/publish`, { token });
    this.courseIds.set(input.slug, course.id);
    this.lessonIds.set(input.slug, lessonIds);
  }

  /**
   * The student's progress in one course (the first lessons completed, in order) and their review.
   * The course service learns of the order from an event, so the first call waits out its 403.
   */
  async study(plan: DemoStudyPlan): Promise<{ completions: number; completed: boolean; reviewed: boolean }> {
    const token = this.tokens.get(plan.email)!;
    const courseId = this.courseIds.get(plan.slug)!;
    const lessons = (this.lessonIds.get(plan.slug) ?? []).slice(0, plan.lessonsCompleted);
    let progress: ProgressResponse | undefined;
    for (const [index, lessonId] of lessons.entries()) {
      const path = `/courses/${courseId}/lessons/${lessonId}/completion`;
      progress =
        index === 0
          ? await this.untilEnrolled(() => this.api.answer<ProgressResponse>('PUT', path, { token }, [403]))
          : await this.api.request<ProgressResponse>('PUT', path, { token });
    }
    if (plan.review) {
      const body = plan.review;
      await this.untilEnrolled(() =>
        this.api.answer('PUT', `/courses/${courseId}/reviews/mine`, { token, body }, [403]),
      );
    }
    return {
      completions: lessons.length,
      completed: progress !== undefined && progress.completed === progress.total,
      reviewed: plan.review !== undefined,
    };
  }

  /** Repeats a call refused with 403 (not enrolled yet) until the enrolment arrives. */
  private async untilEnrolled<T>(call: () => Promise<{ status: number; body: T }>): Promise<T> {
    const deadline = Date.now() + ENROLMENT_WAIT_MS;
    for (;;) {
      const answer = await call();
      if (answer.status !== 403) return answer.body;
      if (Date.now() > deadline) {
        throw new Error(
          `still not enrolled after ${ENROLMENT_WAIT_MS / 1000} s: ${JSON.stringify(answer.body)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** The student's orders one after another; the concurrency comes from several students at once. */
  async placeOrders(student: DemoPlannedStudent): Promise<number> {
    const token = this.tokens.get(student.email)!;
    for (const slug of student.courseSlugs) {
      await this.api.request('POST', '/orders', {
        token,
        body: { courseId: this.courseIds.get(slug) },
        headers: { 'idempotency-key': `demo-seed-${slug}` },
      });
    }
    return student.courseSlugs.length;
  }

  /** Registers the account; one an interrupted run left behind (409) is looked up instead. */
  private async register(account: DemoAccount): Promise<UserResponse> {
    const registered = await this.api.answer<UserResponse>(
      'POST',
      '/auth/register',
      { body: { email: account.email, password: DEMO_PASSWORD, displayName: account.displayName } },
      [409],
    );
    if (registered.status !== 409) return registered.body;
    this.reusedAccounts += 1;
    const page = await this.api.request<{ items: (UserResponse & { email: string })[] }>(
      'GET',
      `/users?email=${encodeURIComponent(account.email)}`,
      { token: this.adminToken },
    );
    const user = page.items.find((item) => item.email === account.email);
    if (!user)
      throw new Error(`POST /auth/register said ${account.email} exists, but GET /users does not list it`);
    return { id: user.id };
  }
}

/**
 * Fills a running CourseHub with demo data through its public HTTP API only: instructors (promoted
 * by the admin), published courses over several categories, and students whose orders follow
 * interest profiles, so that search and recommendations show something real. The data is the same
 * on every run (seeded randomness). When the first demo instructor, the last account it creates,
 * can already log in, nothing is done; a run cut short before that (by the credential throttle,
 * say) is completed by the next one. Any other refused request stops the seeding with an error
 * naming it.
 */
/** What a seeding reports when the demo data was already there: it created nothing. */
export const SKIPPED_DEMO_SEED: Readonly<DemoSeedSummary> = Object.freeze({
  skipped: true,
  instructors: 0,
  students: 0,
  courses: 0,
  orders: 0,
  lessons: 0,
  completions: 0,
  coursesCompleted: 0,
  reviews: 0,
});

export async function seedDemoData(options: DemoSeedOptions): Promise<DemoSeedSummary> {
  const log = options.log ?? (() => undefined);
  const plan = buildDemoPlan();
  const learning = buildDemoLearningPlan(plan.students);
  const seeding = new DemoSeeding(new DemoApiClient(options.baseUrl, THROTTLING_HINT, options.headers));
  const [marker, ...otherInstructors] = plan.instructors;

  if (await during(`checking for demo data (${marker.email})`, () => seeding.markerExists(marker))) {
    log(`Demo data is already there (${marker.email} can log in); nothing seeded.`);
    credentialLines(plan).forEach((line) => log(line));
    return SKIPPED_DEMO_SEED;
  }
  await during(`logging in as the admin ${options.admin.email}`, () => seeding.loginAdmin(options.admin));

  // All registrations and logins come first and the marker account last: a seeding cut short by
  // the credential throttle leaves no marker, so the next run completes it (reusing the accounts
  // already made) instead of taking the partial data for finished.
  await forEachConcurrently(otherInstructors, CONCURRENCY, (instructor) =>
    during(`creating the instructor ${instructor.email}`, () => seeding.createInstructor(instructor)),
  );
  await forEachConcurrently(plan.students, CONCURRENCY, (student) =>
    during(`creating the student ${student.email}`, () => seeding.createStudent(student)),
  );
  await during(`creating the instructor ${marker.email}`, () => seeding.createInstructor(marker));
  const reused = seeding.reusedAccounts > 0 ? ` (${seeding.reusedAccounts} from an interrupted run)` : '';
  log(`Demo data: ${plan.instructors.length} instructors and ${plan.students.length} students${reused}`);

  await forEachConcurrently(plan.courses, CONCURRENCY, (course) =>
    during(`creating the course "${course.input.title}"`, () => seeding.createCourse(course, learning)),
  );
  const categories = new Set(plan.courses.map((course) => course.input.category));
  const sections = Object.values(learning.curricula);
  const lessons = sections.flat().reduce((sum, section) => sum + section.lessons.length, 0);
  log(
    `Demo data: ${plan.courses.length} published courses in ${categories.size} categories, ` +
      `${sections.flat().length} sections, ${lessons} lessons`,
  );

  let orders = 0;
  await forEachConcurrently(plan.students, CONCURRENCY, (student) =>
    during(`ordering courses for ${student.email}`, async () => {
      // Not `orders += await …`: that reads `orders` before the await and loses concurrent additions.
      const placed = await seeding.placeOrders(student);
      orders += placed;
    }),
  );
  log(`Demo data: ${orders} orders`);

  // Progress and reviews need the enrolments, which the orders above bring about asynchronously.
  let completions = 0;
  let coursesCompleted = 0;
  let reviews = 0;
  await forEachConcurrently(plan.students, CONCURRENCY, (student) =>
    during(`recording the progress of ${student.email}`, async () => {
      for (const study of learning.studies.filter((item) => item.email === student.email)) {
        const done = await seeding.study(study);
        completions += done.completions;
        coursesCompleted += done.completed ? 1 : 0;
        reviews += done.reviewed ? 1 : 0;
      }
    }),
  );
  log(
    `Demo data: ${completions} lessons completed, ${coursesCompleted} courses finished, ${reviews} reviews`,
  );
  credentialLines(plan).forEach((line) => log(line));

  return {
    skipped: false,
    instructors: plan.instructors.length,
    students: plan.students.length,
    courses: plan.courses.length,
    orders,
    lessons,
    completions,
    coursesCompleted,
    reviews,
  };
}

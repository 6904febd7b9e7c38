import {
  DEMO_CATEGORIES,
  DEMO_CURRENCY,
  DEMO_EMAIL_DOMAIN,
  DEMO_STUDENT_FIRST_NAMES,
  DEMO_STUDENT_LAST_NAMES,
  DemoCategory,
  DemoCourse,
} from './demo-catalogue';
import { SeededRandom } from '../random';

/**
 * The body of `POST /courses` (libs/course CreateCourseDto): a catalogue course with what the plan
 * adds to it.
 */
export interface DemoCourseInput extends Pick<DemoCourse, 'title' | 'summary' | 'tags' | 'level' | 'price'> {
  slug: string;
  description: string;
  category: string;
  language: string;
  currency: string;
}

export interface DemoAccount {
  email: string;
  displayName: string;
}

export interface DemoPlannedCourse {
  instructorEmail: string;
  input: DemoCourseInput;
}

export interface DemoPlannedStudent extends DemoAccount {
  /** Slugs of the courses this student orders, in order. */
  courseSlugs: string[];
}

export interface DemoPlan {
  instructors: DemoAccount[];
  courses: DemoPlannedCourse[];
  students: DemoPlannedStudent[];
}

export const DEMO_SEED = 20_240_611;
export const DEMO_STUDENT_COUNT = 40;

/** A flagship is taken this many times more often than the other courses of its category... */
const FLAGSHIP_WEIGHT = 4;
/** ...and a course of the student's preferred track this many times more often than one of the other. */
const TRACK_WEIGHT = 3;
/** Share of students with a second field of interest. */
const SECOND_INTEREST_SHARE = 0.55;
/** Share of students who also take one flagship of another field, because everybody does. */
const POPULAR_DETOUR_SHARE = 0.2;

export function slugOf(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function describe(course: DemoCourse, category: DemoCategory): string {
  return [
    course.summary,
    '',
    'What you will learn:',
    ...course.outcomes.map((outcome) => `- ${outcome}`),
    '',
    `Your instructor: ${category.instructor.displayName}. ${category.instructor.bio}`,
  ].join('\n');
}

function studentAccount(index: number): DemoAccount {
  const first = DEMO_STUDENT_FIRST_NAMES[index % DEMO_STUDENT_FIRST_NAMES.length];
  const last = DEMO_STUDENT_LAST_NAMES[index % DEMO_STUDENT_LAST_NAMES.length];
  return {
    email: `student${String(index + 1).padStart(2, '0')}@${DEMO_EMAIL_DOMAIN}`,
    displayName: `${first} ${last}`,
  };
}

/**
 * Who takes what: each student has a main field (by the fields' appeal), often a second one, and a
 * preferred track in each; within a field the flagship and the preferred track are likelier. So
 * co-enrolment has real structure (tracks that only enrolments reveal) and a popularity skew.
 */
function planEnrolments(random: SeededRandom, studentCount: number): DemoPlannedStudent[] {
  const flagships = DEMO_CATEGORIES.map((category) => category.courses[0]);
  const pick = (category: DemoCategory, count: number, track: number): DemoCourse[] =>
    random.weightedSample(
      category.courses,
      count,
      (course) =>
        (course === category.courses[0] ? FLAGSHIP_WEIGHT : 1) * (course.track === track ? TRACK_WEIGHT : 1),
    );

  return Array.from({ length: studentCount }, (_, index) => {
    const main = random.weightedPick(DEMO_CATEGORIES, (category) => category.appeal);
    const second = random.chance(SECOND_INTEREST_SHARE)
      ? random.weightedPick(
          DEMO_CATEGORIES.filter((category) => category !== main),
          (category) => category.appeal,
        )
      : undefined;
    const total = random.intBetween(3, 6);
    // The main field keeps the majority: one or two courses of the second.
    const fromSecond = second ? random.intBetween(1, Math.min(2, Math.floor(total / 2))) : 0;
    const courses = [
      ...pick(main, total - fromSecond, random.intBetween(0, 1)),
      ...(second ? pick(second, fromSecond, random.intBetween(0, 1)) : []),
    ];
    if (random.chance(POPULAR_DETOUR_SHARE)) {
      const others = flagships.filter((flagship) => !courses.includes(flagship));
      courses.push(others[random.intBetween(0, others.length - 1)]);
    }
    return { ...studentAccount(index), courseSlugs: courses.map((course) => slugOf(course.title)) };
  });
}

/** Everything the seeding creates, derived from the catalogue and a fixed seed: the same on every run. */
export function buildDemoPlan(seed = DEMO_SEED, studentCount = DEMO_STUDENT_COUNT): DemoPlan {
  const random = new SeededRandom(seed);
  return {
    instructors: DEMO_CATEGORIES.map(({ instructor }) => ({
      email: instructor.email,
      displayName: instructor.displayName,
    })),
    courses: DEMO_CATEGORIES.flatMap((category) =>
      category.courses.map((course) => ({
        instructorEmail: category.instructor.email,
        input: {
          title: course.title,
          slug: slugOf(course.title),
          summary: course.summary,
          description: describe(course, category),
          tags: course.tags,
          category: category.name,
          level: course.level,
          language: course.language ?? 'en',
          price: course.price,
          currency: DEMO_CURRENCY,
        },
      })),
    ),
    students: planEnrolments(random, studentCount),
  };
}

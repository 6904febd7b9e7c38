import { DEMO_CATEGORIES, type DemoCategory, type DemoCourse } from './demo-catalogue';
import { DEMO_SEED, slugOf } from './demo-plan';
import { SeededRandom } from '../random';

/*
 * The learning side of the demo: every course's curriculum (sections of lessons, some open as
 * previews) and what the students did with their courses (lessons completed, some courses
 * finished, reviews). Derived from the catalogue and a seed of its own, so the plan of accounts,
 * courses and orders stays the same with or without it.
 */

/** The body of `POST /courses/:id/sections/:sectionId/lessons`. */
export interface DemoLessonInput {
  title: string;
  kind: 'article' | 'video';
  body: string;
  videoUrl?: string;
  durationSeconds: number;
  preview: boolean;
}

export interface DemoSectionPlan {
  title: string;
  lessons: DemoLessonInput[];
}

/** What one student does in one of their courses. */
export interface DemoStudyPlan {
  email: string;
  slug: string;
  /** How many lessons they complete, in curriculum order (all of them: the course is completed). */
  lessonsCompleted: number;
  review?: { rating: number; comment?: string };
}

export interface DemoLearningPlan {
  /** Course slug → its sections, in order. */
  curricula: Record<string, DemoSectionPlan[]>;
  studies: DemoStudyPlan[];
}

const SECTION_OPENERS = [
  'Getting started',
  'Foundations',
  'In practice',
  'Going further',
  'Putting it together',
];
const LESSON_PATTERNS = [
  (topic: string) => `Why ${topic} matters`,
  (topic: string) => `A first look: ${topic}`,
  (topic: string) => `Worked example: ${topic}`,
  (topic: string) => `Common mistakes with ${topic}`,
  (topic: string) => `Exercise: ${topic}`,
  () => `Recap and next steps`,
];
/** Share of a student's courses where they started and never completed a lesson. */
const NOT_STARTED_SHARE = 0.35;
/** Share of a student's courses they finished (every lesson: a certificate). */
const COMPLETED_SHARE = 0.1;
/** A student still in a course has completed at most this many of its lessons. */
const MAX_PARTIAL_LESSONS = 5;
/** Share of started courses the student reviewed. */
const REVIEW_SHARE = 0.5;

const PRAISE = [
  'Clear explanations and exercises that stick.',
  'Exactly the right pace for me; the worked examples were the best part.',
  'Well structured, practical and to the point.',
  'I use what I learnt here every week at work.',
];
const CRITIQUE = [
  'Good content, but some lessons go too fast.',
  'Useful overall; I would have liked more exercises.',
  'Solid, if a little dry in places.',
];

function lessonBody(course: DemoCourse, topic: string, title: string): string {
  return [
    `# ${title}`,
    '',
    `This lesson of **${course.title}** is about how to ${topic}.`,
    '',
    '## Key points',
    '',
    ...course.outcomes.map((outcome) => `- ${outcome}`),
    '',
    `> Tip: try each step yourself before moving on.`,
  ].join('\n');
}

function curriculumOf(random: SeededRandom, course: DemoCourse): DemoSectionPlan[] {
  const slug = slugOf(course.title);
  const sectionCount = random.intBetween(2, 4);
  let lessonNumber = 0;
  return Array.from({ length: sectionCount }, (_, sectionIndex) => {
    const topic = course.outcomes[sectionIndex % course.outcomes.length];
    const lessonCount = random.intBetween(3, 6);
    return {
      title: `${SECTION_OPENERS[sectionIndex]}: ${topic.charAt(0).toUpperCase()}${topic.slice(1)}`,
      lessons: Array.from({ length: lessonCount }, (__, lessonIndex) => {
        lessonNumber += 1;
        const title = LESSON_PATTERNS[lessonIndex](topic);
        const kind = random.chance(0.5) ? 'video' : 'article';
        return {
          title: title.length > 200 ? title.slice(0, 200) : title,
          kind,
          body: lessonBody(course, topic, title),
          ...(kind === 'video'
            ? { videoUrl: `https://videos.coursehub.example/${slug}/${lessonNumber}.mp4` }
            : {}),
          durationSeconds: random.intBetween(4, 25) * 60,
          // The first two lessons of the first section are open to everyone, and now and then another.
          preview: (sectionIndex === 0 && lessonIndex < 2) || random.chance(0.05),
        };
      }),
    };
  });
}

/**
 * The curricula of every demo course and the students' progress and reviews. A student mostly likes
 * the courses of their main field (4–5 stars) and is cooler about detours (2–4).
 */
export function buildDemoLearningPlan(
  students: readonly { email: string; courseSlugs: readonly string[] }[],
  seed = DEMO_SEED,
): DemoLearningPlan {
  const random = new SeededRandom(seed + 1);
  const curricula: Record<string, DemoSectionPlan[]> = {};
  const categoryOf = new Map<string, DemoCategory>();
  for (const category of DEMO_CATEGORIES) {
    for (const course of category.courses) {
      curricula[slugOf(course.title)] = curriculumOf(random, course);
      categoryOf.set(slugOf(course.title), category);
    }
  }
  const studies: DemoStudyPlan[] = [];
  for (const student of students) {
    const fields = student.courseSlugs.map((slug) => categoryOf.get(slug));
    const main = fields[0];
    for (const slug of student.courseSlugs) {
      const lessons = curricula[slug].reduce((sum, section) => sum + section.lessons.length, 0);
      const roll = random.next();
      if (roll < NOT_STARTED_SHARE) continue;
      const lessonsCompleted =
        roll < NOT_STARTED_SHARE + COMPLETED_SHARE
          ? lessons
          : random.intBetween(1, Math.min(MAX_PARTIAL_LESSONS, lessons - 1));
      const liked = categoryOf.get(slug) === main;
      const review = random.chance(REVIEW_SHARE)
        ? {
            rating: liked ? random.intBetween(4, 5) : random.intBetween(2, 4),
            ...(random.chance(0.7) ? { comment: random.pick(liked ? PRAISE : CRITIQUE) } : {}),
          }
        : undefined;
      studies.push({ email: student.email, slug, lessonsCompleted, ...(review ? { review } : {}) });
    }
  }
  return { curricula, studies };
}

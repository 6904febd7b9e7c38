import { DEMO_CATEGORIES } from '@coursehub/embedded';

/*
 * The search relevance suite (issue 14): searches a new user types on the demo catalogue, each with
 * the courses a person would expect on top, scored as precision@5 and mean reciprocal rank. Used
 * by search-relevance.int-spec.ts (minimum scores) and by `npm run bench -- read`, which scores
 * the course service and the naive baseline side by side.
 */

/** What `POST /courses` takes, for seeding. */
export interface RelevanceCourse {
  title: string;
  summary: string;
  tags: string[];
  category: string;
  level: 'beginner' | 'intermediate' | 'advanced';
  language: string;
  price: number;
  currency: string;
}

/** The demo catalogue has no C++, C# or .NET course; these two make those searches mean something. */
const TECHNOLOGY_COURSES: RelevanceCourse[] = [
  {
    title: 'Modern C++ for Game Engines',
    summary: 'Templates, move semantics and memory layouts for real-time code in C++20.',
    tags: ['c++', 'game-development', 'performance'],
    category: 'development',
    level: 'advanced',
    language: 'en',
    price: 5900,
    currency: 'EUR',
  },
  {
    title: 'C# and .NET for Web APIs',
    summary: 'ASP.NET Core, Entity Framework and minimal APIs, tested and deployed.',
    tags: ['c#', 'dotnet', 'api'],
    category: 'development',
    level: 'intermediate',
    language: 'en',
    price: 4900,
    currency: 'EUR',
  },
];

export const RELEVANCE_CATALOGUE: RelevanceCourse[] = [
  ...DEMO_CATEGORIES.flatMap((category) =>
    category.courses.map((course) => ({
      title: course.title,
      summary: course.summary,
      tags: course.tags,
      category: category.name,
      level: course.level,
      language: course.language ?? 'en',
      price: course.price,
      currency: 'EUR',
    })),
  ),
  ...TECHNOLOGY_COURSES,
];

const inCategory = (name: string) =>
  DEMO_CATEGORIES.find((category) => category.name === name)!.courses.map((course) => course.title);

export interface RelevanceCase {
  query: string;
  /** The courses that answer the query; any order. */
  relevant: string[];
  why: string;
}

export const RELEVANCE_CASES: RelevanceCase[] = [
  {
    query: 'learn javascript',
    relevant: ['TypeScript from First Principles', 'Modern React with Hooks'],
    why: 'no course has both words: the JavaScript ones, not every course mentioning learning',
  },
  { query: 'beginner guitar', relevant: ['Guitar Foundations'], why: 'no course has both words' },
  { query: 'design', relevant: inCategory('design'), why: 'the category, not only titles' },
  { query: 'data science', relevant: inCategory('data-science'), why: 'a category of two words' },
  { query: 'c++', relevant: ['Modern C++ for Game Engines'], why: 'C++ is a term, not the letter c' },
  { query: 'c#', relevant: ['C# and .NET for Web APIs'], why: 'C# is a term' },
  { query: '.net', relevant: ['C# and .NET for Web APIs'], why: '.NET is a term' },
  { query: 'node.js', relevant: ['Node.js APIs with NestJS'], why: 'Node.js is a term' },
  {
    query: 'javscript',
    relevant: ['TypeScript from First Principles', 'Modern React with Hooks'],
    why: 'a typo',
  },
  {
    query: 'pyton',
    relevant: [
      'Python for Data Analysis',
      'Machine Learning Foundations',
      'Data Visualisation with Matplotlib and Seaborn',
    ],
    why: 'a typo',
  },
  { query: 'typograpy', relevant: ['Typography Fundamentals'], why: 'a typo' },
  {
    query: 'postgres',
    relevant: ['Practical PostgreSQL for Developers', 'Node.js APIs with NestJS'],
    why: 'a prefix',
  },
  { query: 'machine learning python', relevant: ['Machine Learning Foundations'], why: 'all words first' },
  {
    query: 'spanish conversation',
    relevant: ['Spanish for Beginners (A1)', 'Conversación en español (B1)'],
    why: 'tags',
  },
  { query: 'jazz piano', relevant: ['Jazz Improvisation', 'Piano for Adult Beginners'], why: 'either word' },
  { query: 'remote team leadership', relevant: ['Leading Remote Teams'], why: 'stemming, three words' },
];

export interface RelevanceScore {
  query: string;
  /** Relevant courses among the first 5, over min(5, relevant courses): 1 is a perfect top 5. */
  precisionAt5: number;
  /** 1 / rank of the first relevant course (0 when none is returned). */
  reciprocalRank: number;
  top: string[];
}

export function scoreCase(testCase: RelevanceCase, titles: string[]): RelevanceScore {
  const relevant = new Set(testCase.relevant);
  const top5 = titles.slice(0, 5);
  const hits = top5.filter((title) => relevant.has(title)).length;
  const firstRank = titles.findIndex((title) => relevant.has(title));
  return {
    query: testCase.query,
    precisionAt5: hits / Math.min(5, relevant.size),
    reciprocalRank: firstRank < 0 ? 0 : 1 / (firstRank + 1),
    top: top5,
  };
}

/** Scores every case with `search` (the titles of a search's first page, best first). */
export async function runRelevanceSuite(
  search: (query: string) => Promise<string[]>,
): Promise<{ precisionAt5: number; mrr: number; cases: RelevanceScore[] }> {
  const cases: RelevanceScore[] = [];
  for (const testCase of RELEVANCE_CASES) cases.push(scoreCase(testCase, await search(testCase.query)));
  const mean = (pick: (score: RelevanceScore) => number) =>
    cases.reduce((sum, score) => sum + pick(score), 0) / cases.length;
  return {
    precisionAt5: mean((score) => score.precisionAt5),
    mrr: mean((score) => score.reciprocalRank),
    cases,
  };
}

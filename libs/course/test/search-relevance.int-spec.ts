import { searchTermsOf } from '../src/data/search-text';
import { CourseTestApp, startCourseTestApp } from './course-test-app';
import { RELEVANCE_CASES, RELEVANCE_CATALOGUE, runRelevanceSuite } from './search-relevance-cases';

/** Floors for the suite on the demo catalogue (the figures are printed; `npm run bench -- read` too). */
const MIN_PRECISION_AT_5 = 0.85;
const MIN_MRR = 0.9;

describe('course search relevance on the demo catalogue (issue 14)', () => {
  let service: CourseTestApp;
  const search = async (query: string) => {
    const response = await service.api('GET', `/courses?limit=20&q=${encodeURIComponent(query)}`);
    expect(response.status).toBe(200);
    return response.body as { items: { title: string }[]; total: number };
  };

  beforeAll(async () => {
    service = await startCourseTestApp();
    const instructor = await service.persona(['instructor']);
    for (const course of RELEVANCE_CATALOGUE) await service.createCourse(instructor, { ...course });
  });
  afterAll(() => service.close());

  it(`reaches precision@5 ≥ ${MIN_PRECISION_AT_5} and MRR ≥ ${MIN_MRR}`, async () => {
    const result = await runRelevanceSuite(async (query) =>
      (await search(query)).items.map((course) => course.title),
    );
    process.stdout.write(
      `search relevance on ${RELEVANCE_CATALOGUE.length} courses, ${RELEVANCE_CASES.length} queries: ` +
        `precision@5 ${result.precisionAt5.toFixed(3)}, MRR ${result.mrr.toFixed(3)}\n` +
        result.cases
          .filter((score) => score.precisionAt5 < 1 || score.reciprocalRank < 1)
          .map(
            (score) =>
              `  ${score.query}: P@5 ${score.precisionAt5.toFixed(2)}, top ${score.top.join(' | ')}\n`,
          )
          .join(''),
    );
    expect(result.precisionAt5).toBeGreaterThanOrEqual(MIN_PRECISION_AT_5);
    expect(result.mrr).toBeGreaterThanOrEqual(MIN_MRR);
  });

  it('never answers an empty page when some of the words match', async () => {
    for (const query of ['learn javascript', 'beginner guitar', 'guitar kubernetes']) {
      expect({ query, found: (await search(query)).items.length > 0 }).toEqual({ query, found: true });
    }
  });

  it('keeps C++, C#, .NET and Node.js as terms', async () => {
    for (const [query, title] of [
      ['c++', 'Modern C++ for Game Engines'],
      ['C#', 'C# and .NET for Web APIs'],
      ['.NET', 'C# and .NET for Web APIs'],
      ['node.js', 'Node.js APIs with NestJS'],
    ]) {
      const page = await search(query);
      // Before, "c++" was the letter c: 33 of the 42 demo courses.
      expect({ query, titles: page.items.map((course) => course.title) }).toEqual({ query, titles: [title] });
    }
  });

  it('rewrites technology names in TypeScript exactly as the SQL function course_search_terms does', async () => {
    const samples = [
      'C++ and C# on .NET',
      'ASP.NET Core with Node.js, Vue.js and F#',
      'g++ -O2 main.cpp',
      'example.network and site.jsx',
    ];
    // (Letters outside ASCII may lower-case differently under the database's locale; both sides'
    // output goes through to_tsvector / to_tsquery, which lower-case them the same way.)
    for (const sample of samples) {
      const [row] = await service.dataSource.query<{ terms: string }[]>(
        'SELECT course_search_terms($1) AS terms',
        [sample],
      );
      expect({ sample, terms: searchTermsOf(sample) }).toEqual({ sample, terms: row.terms });
    }
  });
});

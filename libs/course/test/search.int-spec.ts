import { createEnvelope, orderConfirmed } from '@coursehub/contracts';
import { randomUUID } from 'node:crypto';
import { EnrolmentsService } from '../src/domain/enrolments.service';
import { courseInput, CourseTestApp, Persona, startCourseTestApp } from './course-test-app';

interface Listed {
  id: string;
  title: string;
  price: number;
  enrolmentCount: number;
}

/** The published courses the tests search, created in this order; `by` teaches each. */
const CATALOGUE: Record<string, { by: 'alice' | 'bob' } & Record<string, unknown>> = {
  pgTitle: {
    by: 'alice',
    title: 'PostgreSQL indexing deep dive',
    summary: 'B-trees, GIN and query plans.',
    tags: ['databases'],
    category: 'data',
    level: 'advanced',
    price: 9900,
  },
  pgSummary: {
    by: 'bob',
    title: 'Backend engineering fundamentals',
    summary: 'HTTP, caching and a first look at PostgreSQL.',
    tags: ['backend'],
    category: 'development',
    level: 'beginner',
    price: 2900,
  },
  pgTag: {
    by: 'bob',
    title: 'Relational data modelling',
    summary: 'Normal forms and keys.',
    tags: ['postgresql', 'modelling'],
    category: 'data',
    level: 'intermediate',
    language: 'de',
    price: 4900,
  },
  react: {
    by: 'alice',
    title: 'React for beginners',
    summary: 'Components, hooks and state.',
    tags: ['frontend', 'javascript'],
    category: 'development',
    level: 'beginner',
    price: 1900,
  },
  ml: {
    by: 'alice',
    title: 'Machine learning with Python',
    summary: 'Regression, classification and clustering.',
    tags: ['python', 'ml'],
    category: 'data',
    level: 'intermediate',
    price: 0,
  },
};

describe('course search, filters, sorting and pagination', () => {
  let service: CourseTestApp;
  let alice: Persona;
  let bob: Persona;
  const ids: Record<string, string> = {};

  const publishCourse = async (by: Persona, overrides: Record<string, unknown>) =>
    (await service.createCourse(by, overrides)).id;
  const list = async (query: string, token?: string) => {
    const response = await service.api('GET', `/courses?${query}`, { token });
    expect(response.status).toBe(200);
    return response.body as { items: Listed[]; total: number; nextCursor: string | null };
  };
  const titles = async (query: string) => (await list(query)).items.map((course) => course.title);

  beforeAll(async () => {
    service = await startCourseTestApp();
    alice = await service.persona(['instructor']);
    bob = await service.persona(['instructor']);
    const instructors = { alice, bob };
    for (const [key, { by, ...course }] of Object.entries(CATALOGUE)) {
      ids[key] = await publishCourse(instructors[by], course);
    }
    // A draft that matches the search: never in public results.
    const draft = await service.api('POST', '/courses', {
      token: alice.token,
      body: courseInput({ title: 'PostgreSQL internals (draft)', category: 'data' }),
    });
    ids.draft = draft.body.id as string;
  });
  afterAll(() => service.close());

  it('ranks title matches above tag matches above summary matches, and finds stemmed words', async () => {
    expect(await titles('q=postgresql')).toEqual([
      'PostgreSQL indexing deep dive',
      'Relational data modelling',
      'Backend engineering fundamentals',
    ]);
    // English stemming: "indexes" finds "indexing"; web-search syntax: quoted phrases and exclusion.
    expect(await titles('q=indexes')).toEqual(['PostgreSQL indexing deep dive']);
    expect((await titles(`q=${encodeURIComponent('postgresql -backend')}`)).sort()).toEqual([
      'PostgreSQL indexing deep dive',
      'Relational data modelling',
    ]);
    expect(await titles(`q=${encodeURIComponent('"machine learning"')}`)).toEqual([
      'Machine learning with Python',
    ]);
    expect(await titles('q=kubernetes')).toEqual([]);
    // The owner sees their matching draft too.
    const asOwner = await list('q=postgresql', alice.token);
    expect(asOwner.items.map((course) => course.id)).toContain(ids.draft);
    expect(asOwner.total).toBe(4);
  });

  it('matches words as typed by prefix ("postgres", "mach learn"), but keeps operator syntax exact', async () => {
    expect(await titles('q=postgres')).toEqual([
      'PostgreSQL indexing deep dive',
      'Relational data modelling',
      'Backend engineering fundamentals',
    ]);
    expect(await titles(`q=${encodeURIComponent('mach learn')}`)).toEqual(['Machine learning with Python']);
    // Issue 14: courses matching some of the words are found too, ranked after those matching all.
    expect((await titles(`q=${encodeURIComponent('react python')}`)).sort()).toEqual([
      'Machine learning with Python',
      'React for beginners',
    ]);
    expect((await titles(`q=${encodeURIComponent('postgresql dive')}`))[0]).toBe(
      'PostgreSQL indexing deep dive',
    );
    // With operators, words mean exactly what web-search syntax says: no prefixes.
    expect(await titles(`q=${encodeURIComponent('postgres -backend')}`)).toEqual([]);
    expect(await titles(`q=${encodeURIComponent('"postgres"')}`)).toEqual([]);
  });

  it('uses the GIN index for full-text search', async () => {
    const plan = await service.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_seqscan = off');
      return manager.query<{ 'QUERY PLAN': string }[]>(
        `EXPLAIN SELECT id FROM courses WHERE search_vector @@ websearch_to_tsquery('english', 'postgresql')`,
      );
    });
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('courses_search');
  });

  it('combines filters', async () => {
    expect((await list('category=data')).total).toBe(3);
    expect(await titles('category=data&level=intermediate&sort=price_asc')).toEqual([
      'Machine learning with Python',
      'Relational data modelling',
    ]);
    expect(await titles('category=data&level=intermediate&language=de')).toEqual([
      'Relational data modelling',
    ]);
    expect(await titles('tag=postgresql')).toEqual(['Relational data modelling']);
    expect(await titles(`instructorId=${bob.id}&sort=price_asc`)).toEqual([
      'Backend engineering fundamentals',
      'Relational data modelling',
    ]);
    expect(await titles('minPrice=1900&maxPrice=4900&sort=price_desc')).toEqual([
      'Relational data modelling',
      'Backend engineering fundamentals',
      'React for beginners',
    ]);
    expect(await titles(`q=postgresql&category=data&maxPrice=5000`)).toEqual(['Relational data modelling']);
    // Another sort than relevance: the text only filters.
    expect(await titles('q=postgresql&sort=price_asc')).toEqual([
      'Backend engineering fundamentals',
      'Relational data modelling',
      'PostgreSQL indexing deep dive',
    ]);
    expect((await list('q=postgresql&sort=newest')).total).toBe(3);
    expect(await titles(`level=beginner&instructorId=${alice.id}`)).toEqual(['React for beginners']);
    expect((await service.api('GET', '/courses?minPrice=5000&maxPrice=100')).status).toBe(400);
  });

  it('sorts by newest, price and popularity', async () => {
    expect(await titles('sort=price_asc')).toEqual([
      'Machine learning with Python',
      'React for beginners',
      'Backend engineering fundamentals',
      'Relational data modelling',
      'PostgreSQL indexing deep dive',
    ]);
    expect((await titles('sort=newest'))[0]).toBe('Machine learning with Python');
    const enrolments = service.app.get(EnrolmentsService);
    const enrol = (courseId: string) =>
      enrolments.confirm(
        createEnvelope(
          orderConfirmed,
          {
            orderId: randomUUID(),
            userId: randomUUID(),
            courseId,
            courseTitle: 'x',
            price: 100,
            currency: 'EUR',
          },
          { producer: 'order' },
        ),
      );
    for (let i = 0; i < 3; i++) await enrol(ids.pgTag);
    for (let i = 0; i < 2; i++) await enrol(ids.react);
    const popular = (await list('sort=popular')).items;
    expect(popular.slice(0, 2).map((course) => [course.title, course.enrolmentCount])).toEqual([
      ['Relational data modelling', 3],
      ['React for beginners', 2],
    ]);
  });

  it.each(['newest', 'price_asc', 'price_desc', 'popular', 'relevance'])(
    'pages (%s) without repeating or skipping while courses are inserted',
    async (sort) => {
      const author = await service.persona(['instructor']);
      const category = `paging-${sort}`;
      const prices = [500, 100, 900, 300, 300, 700, 100, 800, 200, 600, 300, 400];
      const original = new Set<string>();
      for (const [index, price] of prices.entries()) {
        original.add(
          await publishCourse(author, {
            title: `Paging course ${index} about kubernetes`,
            summary: index % 2 === 0 ? 'kubernetes kubernetes operators' : 'containers',
            category,
            price,
          }),
        );
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `category=${category}&sort=${sort}&limit=3${sort === 'relevance' ? '&q=kubernetes' : ''}${
          cursor ? `&cursor=${cursor}` : ''
        }`;
        const page = await list(query);
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((course) => course.id));
        cursor = page.nextCursor;
        // Insert between pages: cheap, middle-priced and expensive courses land before and after the cursor.
        await publishCourse(author, {
          title: `Inserted course ${pages} about kubernetes`,
          category,
          price: [50, 350, 1000][pages % 3],
        });
        pages++;
      } while (cursor && pages < 50);
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of original) expect(seen).toContain(id);
    },
  );

  it('rejects a cursor of another sort', async () => {
    const page = await list('sort=price_asc&limit=1');
    expect(page.nextCursor).not.toBeNull();
    const response = await service.api('GET', `/courses?sort=newest&cursor=${page.nextCursor}`);
    expect(response.status).toBe(400);
  });
});

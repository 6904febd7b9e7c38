import { courseInput, CourseTestApp, Persona, startCourseTestApp } from './course-test-app';

/** Issue 14: HTTP caching of the public catalogue and a `total` that is never an unbounded count. */
describe('catalogue HTTP caching and capped totals', () => {
  let service: CourseTestApp;
  let owner: Persona;

  const get = (path: string, headers: Record<string, string> = {}) => fetch(service.url + path, { headers });
  const publish = (overrides: Record<string, unknown>) => service.createCourse(owner, overrides);

  beforeAll(async () => {
    service = await startCourseTestApp();
    owner = await service.persona(['instructor']);
  });
  afterAll(() => service.close());

  it('GET /courses/:id: strong ETag, 304 on If-None-Match, public for anonymous reads of published courses', async () => {
    const course = await publish({ title: 'Caching in practice' });
    const first = await get(`/courses/${course.id}`);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[^"]+"$/); // strong: no W/
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');
    // By slug: the same representation, the same tag.
    expect((await get(`/courses/${course.slug}`)).headers.get('etag')).toBe(etag);

    const revalidated = await get(`/courses/${course.id}`, { 'if-none-match': etag });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe('');
    expect((await get(`/courses/${course.id}`, { 'if-none-match': `"other", W/${etag}` })).status).toBe(304);
    expect((await get(`/courses/${course.id}`, { 'if-none-match': '"other"' })).status).toBe(200);

    // Signed in: the same tag, but for the caller only.
    const signedIn = await get(`/courses/${course.id}`, { authorization: `Bearer ${owner.token}` });
    expect(signedIn.headers.get('cache-control')).toBe('private, no-store');
    expect(signedIn.headers.get('etag')).toBe(etag);

    // An update changes the tag: the old copy is no longer current.
    const patched = await service.api('PATCH', `/courses/${course.id}`, {
      token: owner.token,
      body: { price: 1234 },
    });
    expect(patched.status).toBe(200);
    const after = await get(`/courses/${course.id}`, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(((await after.json()) as { price: number }).price).toBe(1234);
  });

  it('GET /courses/:id of a draft is private to its instructor', async () => {
    const draft = await service.api('POST', '/courses', { token: owner.token, body: courseInput() });
    const response = await get(`/courses/${draft.body.id}`, { authorization: `Bearer ${owner.token}` });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
  });

  it('GET /courses: ETag and 304 for a page, invalidated when a course changes', async () => {
    await publish({ title: 'Listing one', category: 'cached-listing' });
    const first = await get('/courses?category=cached-listing');
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');
    const etag = first.headers.get('etag')!;
    expect((await get('/courses?category=cached-listing', { 'if-none-match': etag })).status).toBe(304);

    await publish({ title: 'Listing two', category: 'cached-listing' });
    const after = await get('/courses?category=cached-listing', { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(((await after.json()) as { items: unknown[] }).items).toHaveLength(2);
    expect(
      (await get('/courses?category=cached-listing', { authorization: `Bearer ${owner.token}` })).headers.get(
        'cache-control',
      ),
    ).toBe('private, no-store');
  });

  it('counts `total` exactly up to 1,000, then says it is an estimate; pages stay keyset pages', async () => {
    // 1,005 published courses written directly: through the API this would take minutes.
    await service.dataSource.query(
      `INSERT INTO courses (title, slug, summary, category, level, language, price, currency, instructor_id,
         status, published_at)
       SELECT 'Bulk zebrafish course ' || n, 'bulk-zebrafish-' || n, 'Zebrafish genetics.', 'bulk', 'beginner',
         'en', 100 * n, 'EUR', $1, 'published', now()
       FROM generate_series(1, 1005) AS n`,
      [owner.id],
    );
    const headers = { authorization: `Bearer ${owner.token}` }; // not from the anonymous page cache
    const listing = (await (await get('/courses?category=bulk&limit=5', headers)).json()) as {
      total: number;
      totalIsEstimate: boolean;
      nextCursor: string;
    };
    expect(listing).toMatchObject({ total: 1000, totalIsEstimate: true });
    const second = (await (
      await get(`/courses?category=bulk&limit=5&cursor=${listing.nextCursor}`, headers)
    ).json()) as {
      items: unknown[];
    };
    expect(second.items).toHaveLength(5);
    const search = (await (await get('/courses?q=zebrafish&limit=5', headers)).json()) as {
      total: number;
      totalIsEstimate: boolean;
    };
    expect(search).toMatchObject({ total: 1000, totalIsEstimate: true });
    const exact = (await (await get('/courses?category=cached-listing', headers)).json()) as {
      total: number;
      totalIsEstimate: boolean;
    };
    expect(exact).toEqual(expect.objectContaining({ total: 2, totalIsEstimate: false }));
  });
});

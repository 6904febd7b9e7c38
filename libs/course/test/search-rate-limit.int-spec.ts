import { CourseTestApp, startCourseTestApp } from './course-test-app';

describe('GET /courses rate limit (per user, or per client address when anonymous)', () => {
  let service: CourseTestApp;

  beforeAll(async () => {
    service = await startCourseTestApp({ env: { SEARCH_RATE_LIMIT: '4', RATE_LIMIT_WINDOW_MS: '60000' } });
  }, 60_000);
  afterAll(() => service.close());

  const search = (token?: string) =>
    fetch(`${service.url}/courses?q=kafka`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('answers 429 with Retry-After past the budget, counting anonymous callers by address and users by id', async () => {
    const anonymous = [];
    for (let index = 0; index < 5; index++) anonymous.push(await search());
    expect(anonymous.map((response) => response.status)).toEqual([200, 200, 200, 200, 429]);
    const limited = anonymous[4];
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });

    // A signed-in user from the same address has a budget of their own.
    const student = await service.persona(['student']);
    const signedIn = [];
    for (let index = 0; index < 5; index++) signedIn.push((await search(student.token)).status);
    expect(signedIn).toEqual([200, 200, 200, 200, 429]);
    // Other routes are not limited.
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
  });
});

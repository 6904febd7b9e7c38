import { courseInput, CourseTestApp, Persona, useCourseTestApp } from './course-test-app';

describe('course catalogue: CRUD and permissions', () => {
  const { service, api, owner, otherInstructor, student, admin } = useCourseTestApp();
  let counter = 0;

  const create = (by: Persona, overrides: Record<string, unknown> = {}) =>
    service.createCourse(by, { title: `Course number ${++counter}`, ...overrides }, { publish: false });
  const publish = async (id: string, by: Persona = owner) => {
    expect((await api('POST', `/courses/${id}/publish`, { token: by.token })).status).toBe(200);
  };
  type Caller = 'anonymous' | 'student' | 'otherInstructor' | 'owner' | 'admin';
  /** Sends a request as each caller in `expected` (in that order) and expects the status given. */
  const expectStatuses = async (
    expected: Partial<Record<Caller, number>>,
    send: (persona: Persona | undefined) => ReturnType<CourseTestApp['api']>,
  ) => {
    const personas: Record<Caller, Persona | undefined> = {
      anonymous: undefined,
      student,
      otherInstructor,
      owner,
      admin,
    };
    for (const [who, status] of Object.entries(expected)) {
      const response = await send(personas[who as Caller]);
      expect({ who, status: response.status }).toEqual({ who, status });
    }
  };

  it('creates a draft course owned by the caller, with a derived unique slug', async () => {
    const response = await api('POST', '/courses', {
      token: owner.token,
      body: courseInput({ title: 'Écoles & Ünïcode: SQL 101', tags: [' SQL ', 'sql', 'Databases'] }),
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      title: 'Écoles & Ünïcode: SQL 101',
      slug: 'ecoles-unicode-sql-101',
      tags: ['sql', 'databases'],
      status: 'draft',
      instructorId: owner.id,
      price: 4900,
      currency: 'EUR',
      enrolmentCount: 0,
      publishedAt: null,
    });
    expect(response.body.id).toMatch(/^[0-9a-f-]{36}$/);

    const again = await api('POST', '/courses', {
      token: owner.token,
      body: courseInput({ title: 'Écoles & Ünïcode: SQL 101' }),
    });
    expect(again.status).toBe(201);
    expect(again.body.slug).toMatch(/^ecoles-unicode-sql-101-[0-9a-f]{6}$/);

    const byAdmin = await create(admin);
    expect(byAdmin).toMatchObject({ instructorId: admin.id });
  });

  it('POST /courses: anonymous 401, student 403, instructors and admins 201', async () => {
    expect((await api('POST', '/courses', { body: courseInput() })).status).toBe(401);
    expect((await api('POST', '/courses', { token: student.token, body: courseInput() })).status).toBe(403);
    expect((await api('POST', '/courses', { token: 'not-a-token', body: courseInput() })).status).toBe(401);
    await create(otherInstructor);
    await create(admin);
  });

  it('rejects invalid input with 400 and field errors', async () => {
    const invalid: [Record<string, unknown>, string][] = [
      [{ title: undefined }, 'title'],
      [{ title: 'ab' }, 'title'],
      [{ price: 49.5 }, 'price'],
      [{ price: -1 }, 'price'],
      [{ price: '4900' }, 'price'],
      [{ currency: 'eur' }, 'currency'],
      [{ level: 'expert' }, 'level'],
      [{ language: 'English' }, 'language'],
      [{ slug: 'Not A Slug' }, 'slug'],
      [{ tags: 'sql' }, 'tags'],
      [{ status: 'published' }, 'status'],
      [{ instructorId: owner.id }, 'instructorId'],
    ];
    for (const [overrides, field] of invalid) {
      const response = await api('POST', '/courses', { token: owner.token, body: courseInput(overrides) });
      expect({ field, status: response.status }).toEqual({ field, status: 400 });
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
    const course = await create(owner);
    const patch = await api('PATCH', `/courses/${course.id}`, { token: owner.token, body: { price: 1.5 } });
    expect(patch.status).toBe(400);
    for (const query of [
      'limit=0',
      'limit=101',
      'limit=abc',
      'level=expert',
      'minPrice=-5',
      'sort=random',
      'cursor=garbage',
    ]) {
      expect({ query, status: (await api('GET', `/courses?${query}`)).status }).toEqual({
        query,
        status: 400,
      });
    }
    expect((await api('GET', '/courses/recommendations?limit=500', { token: student.token })).status).toBe(
      400,
    );
  });

  it('answers slug conflicts with 409, on create and on change', async () => {
    const first = await create(owner, { slug: 'taken-slug' });
    expect(first.slug).toBe('taken-slug');
    const conflict = await api('POST', '/courses', {
      token: otherInstructor.token,
      body: courseInput({ slug: 'taken-slug' }),
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ statusCode: 409, error: 'Conflict' });

    const second = await create(owner);
    const patch = await api('PATCH', `/courses/${second.id}`, {
      token: owner.token,
      body: { slug: 'taken-slug' },
    });
    expect(patch.status).toBe(409);
  });

  it('GET /courses/:id (by id or slug): drafts only for their instructor and admins', async () => {
    const draft = await create(owner);
    for (const key of [draft.id, draft.slug]) {
      await expectStatuses(
        { anonymous: 404, student: 404, otherInstructor: 404, owner: 200, admin: 200 },
        (by) => api('GET', `/courses/${key}`, { token: by?.token }),
      );
    }
    await publish(draft.id);
    await expectStatuses(
      { anonymous: 200, student: 200, otherInstructor: 200, owner: 200, admin: 200 },
      async (by) => {
        const response = await api('GET', `/courses/${draft.slug}`, { token: by?.token });
        expect(response.body).toMatchObject({ id: draft.id, status: 'published' });
        return response;
      },
    );
    expect((await api('GET', '/courses/no-such-course')).status).toBe(404);
    expect((await api('GET', '/courses/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('GET /courses lists published courses to the public, own drafts to instructors, everything to admins', async () => {
    const instructor = await service.persona(['instructor']);
    const published = await create(instructor, { category: 'visibility-check' });
    await publish(published.id, instructor);
    const draft = await create(instructor, { category: 'visibility-check' });
    const archived = await create(instructor, { category: 'visibility-check' });
    expect((await api('DELETE', `/courses/${archived.id}`, { token: instructor.token })).status).toBe(204);

    const listed = async (persona?: Persona, extra = '') => {
      const response = await api('GET', `/courses?category=visibility-check&limit=100${extra}`, {
        token: persona?.token,
      });
      expect(response.status).toBe(200);
      return (response.body.items as { id: string }[]).map((course) => course.id).sort();
    };
    expect(await listed()).toEqual([published.id]);
    expect(await listed(student)).toEqual([published.id]);
    expect(await listed(otherInstructor)).toEqual([published.id]);
    expect(await listed(instructor)).toEqual([published.id, draft.id, archived.id].sort());
    expect(await listed(admin)).toEqual([published.id, draft.id, archived.id].sort());
    expect(await listed(admin, '&status=draft')).toEqual([draft.id]);
    expect(await listed(undefined, '&status=draft')).toEqual([]);
  });

  it('PATCH /courses/:id: its instructor or an admin', async () => {
    const draft = await create(owner);
    // The other instructor cannot see the draft at all.
    await expectStatuses(
      { anonymous: 401, student: 403, otherInstructor: 404, owner: 200, admin: 200 },
      async (by) => {
        const title = `Renamed by ${by?.id ?? 'anonymous'}`;
        const response = await api('PATCH', `/courses/${draft.id}`, {
          token: by?.token,
          body: { title, price: 5900 },
        });
        if (response.status === 200) expect(response.body).toMatchObject({ title, price: 5900 });
        return response;
      },
    );
    await publish(draft.id);
    const other = await api('PATCH', `/courses/${draft.id}`, {
      token: otherInstructor.token,
      body: { price: 1 },
    });
    expect(other.status).toBe(403);
    const bySlug = await api('PATCH', `/courses/${draft.slug}`, {
      token: owner.token,
      body: { tags: ['postgres'], summary: 'New summary' },
    });
    expect(bySlug.status).toBe(200);
    expect(bySlug.body).toMatchObject({
      tags: ['postgres'],
      summary: 'New summary',
      status: 'published',
      price: 5900,
    });
    expect(new Date(bySlug.body.updatedAt).getTime()).toBeGreaterThan(
      new Date(bySlug.body.createdAt).getTime(),
    );
  });

  it('DELETE /courses/:id archives (its instructor or an admin) and hides the course from the public', async () => {
    const course = await create(owner);
    await publish(course.id);
    await expectStatuses({ anonymous: 401, student: 403, otherInstructor: 403 }, (by) =>
      api('DELETE', `/courses/${course.id}`, { token: by?.token }),
    );
    expect((await api('GET', `/courses/${course.id}`)).status).toBe(200);
    expect((await api('DELETE', `/courses/${course.id}`, { token: owner.token })).status).toBe(204);
    expect((await api('GET', `/courses/${course.id}`)).status).toBe(404);
    const asOwner = await api('GET', `/courses/${course.id}`, { token: owner.token });
    expect(asOwner.body.status).toBe('archived');

    const another = await create(owner);
    expect((await api('DELETE', `/courses/${another.id}`, { token: admin.token })).status).toBe(204);
    expect((await api('GET', `/courses/${another.id}`, { token: admin.token })).body.status).toBe('archived');
  });

  it('POST /courses/:id/publish: its instructor or an admin; writes course.published to the outbox once', async () => {
    const course = await create(owner, { title: 'Event sourcing in practice', tags: ['events'] });
    await expectStatuses({ anonymous: 401, student: 403, otherInstructor: 404 }, (by) =>
      api('POST', `/courses/${course.id}/publish`, { token: by?.token }),
    );
    const published = await api('POST', `/courses/${course.id}/publish`, { token: owner.token });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ status: 'published' });
    expect(published.body.publishedAt).not.toBeNull();
    // Publishing again is a no-op: no second event.
    expect((await api('POST', `/courses/${course.id}/publish`, { token: admin.token })).status).toBe(200);

    const byAdmin = await create(owner);
    expect((await api('POST', `/courses/${byAdmin.id}/publish`, { token: admin.token })).status).toBe(200);

    const rows = await service.dataSource.query<
      { topic: string; envelope: { data: Record<string, unknown> } }[]
    >(`SELECT topic, envelope FROM outbox_messages WHERE envelope->'data'->>'courseId' = $1`, [course.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].topic).toBe('coursehub.course.published.v1');
    expect(rows[0].envelope.data).toEqual({
      courseId: course.id,
      title: 'Event sourcing in practice',
      instructorId: owner.id,
      tags: ['events'],
      price: 4900,
      currency: 'EUR',
    });
  });

  it('routes /courses/recommendations to recommendations, not to /courses/:id', async () => {
    expect((await api('GET', '/courses/recommendations')).status).toBe(401);
    const response = await api('GET', '/courses/recommendations?limit=3', { token: student.token });
    expect(response.status).toBe(200);
    expect(Array.isArray(response.body.items)).toBe(true);
    expect(response.body.items.length).toBeLessThanOrEqual(3);
  });

  it('GET /courses/:id/similar is public for published courses and hides drafts', async () => {
    const course = await create(owner);
    expect((await api('GET', `/courses/${course.id}/similar`)).status).toBe(404);
    await publish(course.id);
    const response = await api('GET', `/courses/${course.slug}/similar?limit=5`);
    expect(response.status).toBe(200);
    for (const item of response.body.items as { course: { id: string; status: string } }[]) {
      expect(item.course.id).not.toBe(course.id);
      expect(item.course.status).toBe('published');
    }
  });

  it('documents the routes in OpenAPI', async () => {
    const document = await api('GET', '/docs-json');
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining([
        '/courses',
        '/courses/recommendations',
        '/courses/{id}',
        '/courses/{id}/similar',
        '/courses/{id}/publish',
      ]),
    );
  });
});

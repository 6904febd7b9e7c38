import { orderCancelled, orderConfirmed } from '@coursehub/contracts';
import { MessageBus, TransportKind } from '@coursehub/messaging';
import { randomUUID } from 'node:crypto';
import { RecommendationModelService } from '../src/domain/recommendation-model.service';
import {
  announceOn,
  type CreatedCourse as Course,
  CourseTestApp,
  eventually,
  Persona,
  useCourseServiceWithProbe,
} from './course-test-app';

interface RecommendationItem {
  course: { id: string; title: string; status: string };
  score: number;
  source: 'collaborative' | 'content' | 'popular';
  reason: string;
  because: { kind: string; courseId?: string; title?: string; terms?: string[]; category?: string };
}

/** A recommendation list as `title (source)` lines: readable in a failed expectation. */
const outline = (items: RecommendationItem[]) => items.map((item) => `${item.course.title} (${item.source})`);
const titlesOf = (items: RecommendationItem[]) => items.map((item) => item.course.title);
const startsWith = (items: string[], prefix: string[]) => prefix.every((entry, i) => items[i] === entry);

/*
 * The catalogue is written so that the only text the courses share is between the two SQL courses
 * (and the draft): every other recommendation can only come from co-enrolments or popularity.
 */
const CATALOGUE = {
  postgres: {
    title: 'Practical PostgreSQL',
    summary: 'Queries, indexes and transactions for application developers.',
    description: 'Relational schemas, joins and query plans.',
    tags: ['sql', 'databases'],
    category: 'development',
  },
  sqlTuning: {
    title: 'Advanced SQL tuning',
    summary: 'Make slow queries fast with indexes and query plans.',
    description: 'Reading EXPLAIN output of relational databases.',
    tags: ['sql', 'databases', 'performance'],
    category: 'development',
  },
  docker: {
    title: 'Docker containers',
    summary: 'Images, volumes and networks.',
    description: 'Ship services as container images.',
    tags: ['docker', 'containers'],
    category: 'operations',
  },
  machineLearning: {
    title: 'Machine learning foundations',
    summary: 'Regression, classification and model evaluation.',
    description: 'Train models with Python and scikit-learn.',
    tags: ['ml', 'python'],
    category: 'data-science',
  },
  typography: {
    title: 'Typography for interfaces',
    summary: 'Typefaces, hierarchy and rhythm on screens.',
    description: 'Choosing fonts for web and mobile.',
    tags: ['typography', 'design'],
    category: 'design',
  },
  negotiation: {
    title: 'Negotiation basics',
    summary: 'Prepare, anchor and close a deal.',
    description: 'Role plays for salary and supplier talks.',
    tags: ['negotiation'],
    category: 'business',
  },
};

describe.each<TransportKind>(['in-process', 'kafka'])(
  'recommendations learning from order events on the %s transport',
  (transport) => {
    let service: CourseTestApp;
    let bus: MessageBus;
    let instructor: Persona;
    let alice: Persona;
    let newcomer: Persona;
    let courses: Record<keyof typeof CATALOGUE, Course>;
    let draft: Course;
    /** Active orders by `userId:courseId`, so a test can cancel what an earlier one confirmed. */
    const orders = new Map<string, string>();

    const confirm = async (userId: string, course: Course) => {
      const orderId = randomUUID();
      orders.set(`${userId}:${course.id}`, orderId);
      const data = {
        orderId,
        userId,
        courseId: course.id,
        courseTitle: course.title,
        price: 4900,
        currency: 'EUR',
      };
      await announceOn(bus, orderConfirmed, data, course.id);
    };
    const cancel = async (userId: string, course: Course) => {
      const orderId = orders.get(`${userId}:${course.id}`);
      if (!orderId) throw new Error(`no order of ${course.title} by ${userId} to cancel`);
      orders.delete(`${userId}:${course.id}`);
      const data = { orderId, userId, courseId: course.id, courseTitle: course.title, reason: 'refund' };
      await announceOn(bus, orderCancelled, data, course.id);
    };
    const recommendationsFor = async (persona: Persona): Promise<RecommendationItem[]> => {
      const response = await service.api('GET', '/courses/recommendations?limit=20', {
        token: persona.token,
      });
      expect(response.status).toBe(200);
      return response.body.items as RecommendationItem[];
    };
    /** The persona's recommendations once they start with these courses, in this order. */
    const recommendationsStartingWith = (persona: Persona, first: Course[]) =>
      eventually(
        () => recommendationsFor(persona),
        (items) =>
          startsWith(
            titlesOf(items),
            first.map((course) => course.title),
          ),
      );
    const similarTo = async (course: Course, persona?: Persona): Promise<RecommendationItem[]> => {
      const response = await service.api('GET', `/courses/${course.id}/similar?limit=20`, {
        token: persona?.token,
      });
      expect(response.status).toBe(200);
      return response.body.items as RecommendationItem[];
    };
    const students = (count: number) => Array.from({ length: count }, () => randomUUID());

    useCourseServiceWithProbe(transport, async (running) => {
      ({ service, bus, instructor } = running);
      // Readiness does not wait for the first model (built in a worker): these tests start from it.
      await service.app.get(RecommendationModelService).started();
      alice = await service.persona(['student']);
      newcomer = await service.persona(['student']);

      const entries = await Promise.all(
        Object.entries(CATALOGUE).map(
          async ([key, fields]) => [key, await service.createCourse(instructor, fields)] as const,
        ),
      );
      courses = Object.fromEntries(entries) as typeof courses;
      // The closest text to Practical PostgreSQL there is, but never published.
      draft = await service.createCourse(
        instructor,
        {
          title: 'PostgreSQL internals',
          summary: 'Queries, indexes, transactions and query plans under the hood.',
          description: 'Relational storage for application developers.',
          tags: ['sql', 'databases', 'postgresql'],
          category: 'development',
        },
        { publish: false },
      );
    });

    it('serves popularity before anyone enrolled, and only to callers who are logged in', async () => {
      expect((await service.api('GET', '/courses/recommendations')).status).toBe(401);

      const items = await recommendationsFor(newcomer);
      expect(items.map((item) => item.source)).toEqual(Array(6).fill('popular'));
      expect(titlesOf(items).sort()).toEqual(
        Object.values(CATALOGUE)
          .map((course) => course.title)
          .sort(),
      );

      // An instructor owns the courses they teach: nothing of their own is recommended to them.
      expect(await recommendationsFor(instructor)).toEqual([]);
    });

    it('recommends what students of the same course also took, ahead of text and popularity', async () => {
      const postgresAndDocker = students(4);
      const designFans = students(6);
      for (const student of postgresAndDocker) {
        await confirm(student, courses.postgres);
        await confirm(student, courses.docker);
      }
      for (const student of designFans) await confirm(student, courses.typography);
      await confirm(randomUUID(), courses.negotiation);
      // A co-enrolment with the draft: it must still never be recommended.
      await confirm(postgresAndDocker[0], draft);
      await confirm(alice.id, courses.postgres);

      // Everything has arrived once the newcomer's popularity ranking counts every enrolment.
      const popular = await recommendationsStartingWith(newcomer, [
        courses.typography,
        courses.postgres,
        courses.docker,
      ]);
      expect(outline(popular).slice(0, 3)).toEqual([
        'Typography for interfaces (popular)',
        'Practical PostgreSQL (popular)',
        'Docker containers (popular)',
      ]);
      expect(popular[0].reason).toBe('popular in design');

      const items = await eventually(
        () => recommendationsFor(alice),
        (found) => found[0]?.course.id === courses.docker.id,
      );
      expect(outline(items).slice(0, 3)).toEqual([
        'Docker containers (collaborative)',
        'Advanced SQL tuning (content)',
        'Typography for interfaces (popular)',
      ]);
      expect(items[0]).toMatchObject({
        reason: 'because you enrolled in Practical PostgreSQL',
        because: { kind: 'enrolled-in', courseId: courses.postgres.id, title: 'Practical PostgreSQL' },
      });
      expect(items[0].score).toBeGreaterThan(items[1].score);
      expect(items[1].because).toMatchObject({ kind: 'similar-topics', courseId: courses.postgres.id });
      expect(items[1].because.terms).toEqual(expect.arrayContaining(['sql']));
      // Unrelated courses only fill the list, after the courses related to what she owns.
      expect(titlesOf(items.slice(3)).sort()).toEqual([
        courses.machineLearning.title,
        courses.negotiation.title,
      ]);
      expect(titlesOf(items)).not.toContain(courses.postgres.title);
      expect(titlesOf(items)).not.toContain(draft.title);
      expect(items.every((item) => item.course.status === 'published')).toBe(true);
    });

    it('shows the co-enrolled course on the similar-courses page, minus what the caller owns', async () => {
      const anonymous = await similarTo(courses.postgres);
      expect(outline(anonymous).slice(0, 2)).toEqual([
        'Docker containers (collaborative)',
        'Advanced SQL tuning (content)',
      ]);
      expect(anonymous[0].reason).toBe('often taken with Practical PostgreSQL');
      expect(titlesOf(anonymous)).not.toContain(draft.title);
      expect(titlesOf(anonymous)).not.toContain(courses.postgres.title);

      expect(outline(await similarTo(courses.docker))[0]).toBe('Practical PostgreSQL (collaborative)');
      // Alice owns Practical PostgreSQL, so her view of the Docker page leaves it out.
      expect(titlesOf(await similarTo(courses.docker, alice))).not.toContain(courses.postgres.title);
    });

    it('follows cancellations and new co-enrolments to another course', async () => {
      // The earlier Docker students get refunds; new PostgreSQL students take machine learning instead.
      const earlierDockerStudents = [...orders.keys()]
        .filter((key) => key.endsWith(`:${courses.docker.id}`))
        .map((key) => key.split(':')[0]);
      expect(earlierDockerStudents).toHaveLength(4);
      // An edit between the enrolments and the refunds must not freeze Docker's popularity at 4.
      const edited = await service.api('PATCH', `/courses/${courses.docker.id}`, {
        token: instructor.token,
        body: { description: 'Ship services as container images, from laptop to registry.' },
      });
      expect(edited).toMatchObject({ status: 200, body: { enrolmentCount: 4 } });
      for (const student of earlierDockerStudents) await cancel(student, courses.docker);
      for (const student of students(5)) {
        await confirm(student, courses.postgres);
        await confirm(student, courses.machineLearning);
      }

      // PostgreSQL 10 (4 + Alice + 5), typography 6, machine learning 5, negotiation 1, Docker back to 0.
      const popular = await recommendationsStartingWith(newcomer, [
        courses.postgres,
        courses.typography,
        courses.machineLearning,
        courses.negotiation,
      ]);
      expect(outline(popular).slice(0, 4)).toEqual([
        'Practical PostgreSQL (popular)',
        'Typography for interfaces (popular)',
        'Machine learning foundations (popular)',
        'Negotiation basics (popular)',
      ]);

      const items = await eventually(
        () => recommendationsFor(alice),
        (found) =>
          found[0]?.course.id === courses.machineLearning.id &&
          found.every((item) => item.course.id !== courses.docker.id || item.source === 'popular'),
      );
      expect(outline(items).slice(0, 3)).toEqual([
        'Machine learning foundations (collaborative)',
        'Advanced SQL tuning (content)',
        'Typography for interfaces (popular)',
      ]);
      expect(items[0].reason).toBe('because you enrolled in Practical PostgreSQL');
      // Docker lost its co-enrolments: it is now only popularity filler, behind the related courses.
      expect(outline(items.slice(3)).sort()).toEqual([
        'Docker containers (popular)',
        'Negotiation basics (popular)',
      ]);
      expect(outline(await similarTo(courses.postgres))[0]).toBe(
        'Machine learning foundations (collaborative)',
      );
    });

    it("follows the caller's own enrolments: owned courses leave the list, a refunded one can return", async () => {
      await confirm(alice.id, courses.machineLearning);
      await cancel(alice.id, courses.postgres);

      const items = await eventually(
        () => recommendationsFor(alice),
        (found) =>
          found[0]?.course.id === courses.postgres.id &&
          found.every((item) => item.course.id !== courses.machineLearning.id),
      );
      expect(items[0]).toMatchObject({
        course: { id: courses.postgres.id },
        source: 'collaborative',
        reason: 'because you enrolled in Machine learning foundations',
      });
      expect(titlesOf(items)).not.toContain(courses.machineLearning.title);
      // Advanced SQL tuning was only related to the refunded course: now plain filler.
      expect(items.find((item) => item.course.id === courses.sqlTuning.id)?.source).toBe('popular');
    });

    it('answers the same after the scheduled full rebuild from the database', async () => {
      const answers = async () => ({
        alice: (await recommendationsFor(alice)).map(({ course, source, reason }) => [
          course.title,
          source,
          reason,
        ]),
        newcomer: outline(await recommendationsFor(newcomer)),
        similar: outline(await similarTo(courses.postgres)),
      });
      const incremental = await answers();
      // The timer's job, run now: rebuilds from course_enrolments, refunded rows left out.
      await service.app.get(RecommendationModelService).rebuild();
      expect(await answers()).toEqual(incremental);
    });

    it('drops an archived course at once', async () => {
      expect(
        (await service.api('DELETE', `/courses/${courses.sqlTuning.id}`, { token: instructor.token })).status,
      ).toBe(204);
      for (const items of [
        await recommendationsFor(alice),
        await recommendationsFor(newcomer),
        await similarTo(courses.postgres),
      ]) {
        expect(titlesOf(items)).not.toContain(courses.sqlTuning.title);
      }
    });
  },
);

import { courseCompleted } from '@coursehub/contracts';
import { type AuthenticatedUser, ForbiddenError, NotFoundError, UnauthenticatedError } from '@coursehub/core';
import { Outbox } from '@coursehub/messaging';
import { getTransactionHostToken } from '@nestjs-cls/transactional';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { COURSE_FEATURE } from '../course.constants';
import type { CertificateEntity } from '../data/certificate.entity';
import { CertificatesRepository, type NewCertificate } from '../data/certificates.repository';
import type { CourseEntity } from '../data/course.entity';
import { CoursesRepository } from '../data/courses.repository';
import { EnrolmentsRepository } from '../data/enrolments.repository';
import { LessonsRepository } from '../data/lessons.repository';
import { ProgressRepository } from '../data/progress.repository';
import { UserProfilesRepository } from '../data/user-profiles.repository';
import { ProgressService } from './progress.service';
import { RecommendationsService } from './recommendations.service';

/** Completions and activity in memory, with the rules of the real statements. */
class InMemoryProgress implements Partial<ProgressRepository> {
  readonly completions = new Map<string, { courseId: string; lessonId: string }>();
  readonly activity = new Map<string, Date>();

  touch(userId: string, courseId: string): Promise<void> {
    this.activity.set(`${userId}/${courseId}`, new Date());
    return Promise.resolve();
  }

  addCompletion(userId: string, courseId: string, lessonId: string): Promise<boolean> {
    const key = `${userId}/${lessonId}`;
    if (this.completions.has(key)) return Promise.resolve(false);
    this.completions.set(key, { courseId, lessonId });
    return Promise.resolve(true);
  }

  removeCompletion(userId: string, lessonId: string): Promise<boolean> {
    return Promise.resolve(this.completions.delete(`${userId}/${lessonId}`));
  }

  completedLessonIds(userId: string, courseId: string): Promise<Set<string>> {
    return Promise.resolve(
      new Set(
        [...this.completions.entries()]
          .filter(([key, row]) => key.startsWith(`${userId}/`) && row.courseId === courseId)
          .map(([, row]) => row.lessonId),
      ),
    );
  }

  lastActivityAt(userId: string, courseId: string): Promise<Date | null> {
    return Promise.resolve(this.activity.get(`${userId}/${courseId}`) ?? null);
  }
}

/** Certificates in memory: one per learner and course, like the unique index. */
class InMemoryCertificates implements Partial<CertificatesRepository> {
  readonly rows: CertificateEntity[] = [];

  issue(certificate: NewCertificate): Promise<CertificateEntity | null> {
    if (this.rows.some((row) => row.userId === certificate.userId && row.courseId === certificate.courseId)) {
      return Promise.resolve(null);
    }
    const row = { ...certificate, id: randomUUID(), completedAt: new Date() };
    this.rows.push(row);
    return Promise.resolve(row);
  }

  findForLearner(userId: string, courseId: string): Promise<CertificateEntity | null> {
    return Promise.resolve(
      this.rows.find((row) => row.userId === userId && row.courseId === courseId) ?? null,
    );
  }
}

describe('ProgressService', () => {
  const instructorId = randomUUID();
  const learner: AuthenticatedUser = { id: randomUUID(), roles: ['student'] } as AuthenticatedUser;
  const stranger: AuthenticatedUser = { id: randomUUID(), roles: ['student'] } as AuthenticatedUser;
  const published = {
    id: randomUUID(),
    slug: 'sql',
    title: 'SQL',
    status: 'published',
    instructorId,
  } as CourseEntity;
  const draft = {
    id: randomUUID(),
    slug: 'draft',
    title: 'Draft',
    status: 'draft',
    instructorId,
  } as CourseEntity;
  const lessonIds: string[] = [randomUUID(), randomUUID()];
  let progress: InMemoryProgress;
  let certificates: InMemoryCertificates;
  let outbox: { contract: string; data: Record<string, unknown>; key: string }[];
  let service: ProgressService;
  let erased: Set<string>;
  let completionsTold: string[];

  beforeEach(async () => {
    completionsTold = [];
    progress = new InMemoryProgress();
    certificates = new InMemoryCertificates();
    outbox = [];
    erased = new Set();
    const courses = [published, draft];
    const moduleRef = await Test.createTestingModule({
      providers: [
        ProgressService,
        {
          provide: CoursesRepository,
          useValue: {
            findByIdOrSlug: (id: string) => Promise.resolve(courses.find((c) => c.id === id) ?? null),
          },
        },
        {
          provide: EnrolmentsRepository,
          useValue: { isEnrolled: (userId: string) => Promise.resolve(userId === learner.id) },
        },
        {
          provide: LessonsRepository,
          useValue: {
            findInCourse: (courseId: string, lessonId: string) =>
              Promise.resolve(
                courseId === published.id && lessonIds.includes(lessonId) ? { id: lessonId } : null,
              ),
            listForCourse: (courseId: string) =>
              Promise.resolve(courseId === published.id ? lessonIds.map((id) => ({ id })) : []),
          },
        },
        { provide: ProgressRepository, useValue: progress },
        { provide: CertificatesRepository, useValue: certificates },
        {
          provide: UserProfilesRepository,
          useValue: {
            displayNameOf: () => Promise.resolve('Lea Learner'),
            isErased: (userId: string) => Promise.resolve(erased.has(userId)),
          },
        },
        {
          provide: getTransactionHostToken(COURSE_FEATURE),
          useValue: { withTransaction: <T>(work: () => Promise<T>) => work() },
        },
        {
          provide: Outbox,
          useValue: {
            add: (contract: { type: string }, data: Record<string, unknown>, options: { key: string }) => {
              outbox.push({ contract: contract.type, data, key: options.key });
              return Promise.resolve();
            },
          },
        },
        {
          provide: RecommendationsService,
          useValue: {
            completed: (user: string, course: string) => completionsTold.push(`${user}/${course}`),
          },
        },
      ],
    }).compile();
    service = moduleRef.get(ProgressService);
  });

  it('issues the certificate and announces course.completed once, with the last lesson', async () => {
    const first = await service.complete(published.id, lessonIds[0], learner);
    expect(first).toMatchObject({ completed: 1, total: 2, percent: 50, certificateId: null });
    expect(outbox).toEqual([]);

    const done = await service.complete(published.id, lessonIds[1], learner);
    expect(done).toMatchObject({ completed: 2, percent: 100, nextLessonId: null });
    expect(certificates.rows).toEqual([
      expect.objectContaining({
        userId: learner.id,
        courseId: published.id,
        courseTitle: 'SQL',
        learnerName: 'Lea Learner',
      }),
    ]);
    expect(done.certificateId).toBe(certificates.rows[0].id);
    expect(outbox).toEqual([
      {
        contract: courseCompleted.type,
        key: learner.id,
        data: {
          userId: learner.id,
          courseId: published.id,
          courseTitle: 'SQL',
          certificateId: done.certificateId,
          completedAt: certificates.rows[0].completedAt.toISOString(),
        },
      },
    ]);
    // The recommender hears of the completion at once, and only once.
    expect(completionsTold).toEqual([`${learner.id}/${published.id}`]);

    // Completing again, undoing and redoing: the certificate stays, nothing more is announced.
    await service.complete(published.id, lessonIds[1], learner);
    const undone = await service.undo(published.id, lessonIds[1], learner);
    expect(undone).toMatchObject({ completed: 1, certificateId: done.certificateId });
    await service.complete(published.id, lessonIds[1], learner);
    expect(certificates.rows).toHaveLength(1);
    expect(outbox).toHaveLength(1);
  });

  it('refuses those without an active enrolment: 403 for a visible course, 404 otherwise', async () => {
    await expect(service.complete(published.id, lessonIds[0], stranger)).rejects.toThrow(ForbiddenError);
    await expect(service.progressOf(published.id, stranger)).rejects.toThrow(
      'Enrol in this course to track your progress',
    );
    await expect(service.progressOf(draft.id, stranger)).rejects.toThrow(NotFoundError);
    await expect(service.progressOf(randomUUID(), learner)).rejects.toThrow(NotFoundError);
    await expect(service.complete(published.id, randomUUID(), learner)).rejects.toThrow('Lesson not found');
    expect(progress.completions.size).toBe(0);
  });

  it('records nothing for an erased account whose access token is still valid', async () => {
    erased.add(learner.id);
    await expect(service.complete(published.id, lessonIds[0], learner)).rejects.toThrow(UnauthenticatedError);
    expect(progress.completions.size).toBe(0);
  });
});

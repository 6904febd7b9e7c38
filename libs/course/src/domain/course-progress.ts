import type { CertificateEntity } from '../data/certificate.entity';

/** A learner's progress in one course, as `GET /courses/:id/progress` reports it. */
export interface CourseProgress {
  courseId: string;
  /** In reading order; only lessons the course still has. */
  completedLessonIds: string[];
  completed: number;
  total: number;
  /** 0..100, rounded down: 100 only when every lesson is completed. */
  percent: number;
  /** The first lesson in reading order not yet completed; null when none is left. */
  nextLessonId: string | null;
  lastActivityAt: Date | null;
  /** When the course was completed (its certificate issued); stays after an undo. */
  completedAt: Date | null;
  certificateId: string | null;
}

/**
 * Progress from the course's lessons in reading order and the ids the learner completed
 * (completions of lessons the course no longer has do not count).
 */
export function summariseProgress(
  courseId: string,
  lessonIdsInOrder: readonly string[],
  completedIds: ReadonlySet<string>,
  lastActivityAt: Date | null,
  certificate: Pick<CertificateEntity, 'id' | 'completedAt'> | null,
): CourseProgress {
  const completedLessonIds = lessonIdsInOrder.filter((id) => completedIds.has(id));
  const total = lessonIdsInOrder.length;
  const completed = completedLessonIds.length;
  return {
    courseId,
    completedLessonIds,
    completed,
    total,
    percent: total === 0 ? 0 : Math.floor((completed * 100) / total),
    nextLessonId: lessonIdsInOrder.find((id) => !completedIds.has(id)) ?? null,
    lastActivityAt,
    completedAt: certificate?.completedAt ?? null,
    certificateId: certificate?.id ?? null,
  };
}

/** Whether the learner has now completed every lesson (a course without lessons cannot be completed). */
export function isComplete(lessonIdsInOrder: readonly string[], completedIds: ReadonlySet<string>): boolean {
  return lessonIdsInOrder.length > 0 && lessonIdsInOrder.every((id) => completedIds.has(id));
}

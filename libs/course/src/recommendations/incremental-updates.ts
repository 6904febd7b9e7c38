import { type CourseRecord, courseDocument, type ModelState } from './model-state';
import {
  contentScores,
  patchNeighbour,
  recomputeCollaborative,
  recomputeContent,
  recomputeHybrid,
} from './neighbour-scoring';
import type { CourseFeatures } from './types';

/*
 * Keeping a built model current between full builds. Each update touches only the lists whose
 * scores it changes, and leaves them exactly (to the last bit) as a full build on the same data
 * would, except for the IDF drift of course edits (see upsertCourse).
 */

/** A user enrolled in a course. False when nothing changed (a repeat, or an unknown course). */
export function addEnrolment(state: ModelState, userId: string, courseId: string): boolean {
  const record = state.byId.get(courseId);
  if (!record) return false;
  let owned = state.users.get(userId);
  if (owned?.has(record.index)) return false;
  if (!owned) {
    owned = new Set();
    state.users.set(userId, owned);
  }
  for (const other of owned) state.bumpCoEnrolment(record.index, other, 1);
  owned.add(record.index);
  record.enrolled++;
  state.enrolmentTotal++;
  afterEnrolmentChange(state, record, owned);
  return true;
}

/** Reverses {@link addEnrolment}. False when there was nothing to remove. */
export function removeEnrolment(state: ModelState, userId: string, courseId: string): boolean {
  const record = state.byId.get(courseId);
  const owned = state.users.get(userId);
  if (!record || !owned?.has(record.index)) return false;
  owned.delete(record.index);
  if (owned.size === 0) state.users.delete(userId);
  for (const other of owned) state.bumpCoEnrolment(record.index, other, -1);
  record.enrolled--;
  state.enrolmentTotal--;
  afterEnrolmentChange(state, record, owned);
  return true;
}

/**
 * Adds or replaces a course. Its TF-IDF vector uses the document frequencies of the last full
 * build (new terms count as appearing in one document): recomputing every course's IDF on each
 * edit would cost a full build, so that drift waits for the next one.
 */
export function upsertCourse(state: ModelState, course: CourseFeatures): void {
  let record = state.byId.get(course.id);
  const wasListed = record?.course.status === 'published';
  // Only courses sharing an indexed term with the old or the new text, or students with the
  // course, can see its score change: any other course scores it 0 before and after.
  const affected = new Set<number>();
  if (record) collectTextNeighbours(state, record, affected);
  const document = courseDocument(course, state.options.fieldWeights);
  if (record) state.replaceCourse(record, course, document);
  else record = state.addCourse(course, document);
  state.upsertedSinceBuild.add(course.id);
  collectTextNeighbours(state, record, affected);
  // A status change moves the course in or out of every list, collaborative ones included; a text
  // edit changes no collaborative part, so co-enrolled courses sharing no term are untouched.
  const listingChanged = wasListed !== (course.status === 'published');
  if (listingChanged) for (const index of record.coEnrolments.keys()) affected.add(index);
  affected.delete(record.index);

  recomputeContent(state, record);
  recomputeHybrid(state, record);
  // The new content similarity to every course sharing a term, in one pass over the index (0 for
  // the others), instead of a dot product per affected course.
  const scores = contentScores(state, record);
  // In index order, as the full scan this replaces did: patches are order-sensitive only through
  // recomputes, which read the final scores anyway, but a fixed order keeps runs reproducible.
  for (const index of [...affected].sort((a, b) => a - b)) {
    const other = state.records[index];
    const content = scores.get(index) ?? 0;
    patchNeighbour(state, other, record, 'content', content);
    patchNeighbour(state, other, record, 'hybrid', content);
    if (listingChanged) patchNeighbour(state, other, record, 'collaborative');
  }
  state.refreshPopularity(record);
}

/** Adds the courses sharing an indexed term with the course to `into`. */
function collectTextNeighbours(state: ModelState, record: CourseRecord, into: Set<number>): void {
  for (const term of record.vector.keys()) {
    for (const index of state.postings.get(term)?.keys() ?? []) into.add(index);
  }
}

/**
 * After a course's enrolments changed, every collaborative score involving it changed (its
 * enrolment count is in each denominator) and no other: recompute its own lists, patch its entry
 * in the lists of the courses it shares users with, and in those of the user's courses (whose
 * count with it may just have dropped to zero).
 */
function afterEnrolmentChange(
  state: ModelState,
  record: CourseRecord,
  userCourses: ReadonlySet<number>,
): void {
  recomputeCollaborative(state, record);
  recomputeHybrid(state, record);
  const affected = new Set(record.coEnrolments.keys());
  for (const index of userCourses) affected.add(index);
  affected.delete(record.index);
  for (const index of affected) {
    const other = state.records[index];
    patchNeighbour(state, other, record, 'collaborative');
    patchNeighbour(state, other, record, 'hybrid');
  }
  state.refreshPopularity(record);
}

import type { CourseRecord, ModelState } from './model-state';
import { ScoredNeighbour, TopCollector } from './neighbour-list';
import { binaryCosine, dotProduct, jaccardIndex, supportWeight } from './similarity';
import type { NeighbourKind } from './types';

/*
 * The precomputed neighbour lists of each course (collaborative, content, hybrid): how a neighbour
 * is scored, how a list is recomputed from its candidates, and how one changed score is patched in.
 */

/**
 * Score of `other` as a neighbour of `owner` in one kind of list, or undefined when it cannot be
 * one. `content` may be passed when already known (it is the same dot product either way).
 */
export function scoreNeighbour(
  state: ModelState,
  owner: CourseRecord,
  other: CourseRecord,
  kind: NeighbourKind,
  content?: number,
): ScoredNeighbour | undefined {
  if (other === owner || !state.isListed(other)) return undefined;
  const { options } = state;
  const support = owner.coEnrolments.get(other.index) ?? 0;
  let collaborative = 0;
  let textual = 0;
  if (kind !== 'content') {
    collaborative =
      options.collaborativeMeasure === 'jaccard'
        ? jaccardIndex(support, owner.enrolled, other.enrolled)
        : binaryCosine(support, owner.enrolled, other.enrolled);
    if (kind === 'hybrid') {
      collaborative *= options.collaborativeWeight * supportWeight(support, options.supportShrinkage);
    }
  }
  if (kind !== 'collaborative') {
    textual = content ?? dotProduct(owner.vector, other.vector);
    if (kind === 'hybrid') textual *= options.contentWeight;
  }
  const score = collaborative + textual;
  if (!(score > 0)) return undefined;
  return { index: other.index, courseId: other.course.id, score, collaborative, content: textual };
}

/** Candidates: the courses sharing at least one user with the course. */
export function recomputeCollaborative(state: ModelState, record: CourseRecord): void {
  const candidates: ScoredNeighbour[] = [];
  for (const index of record.coEnrolments.keys()) {
    const scored = scoreNeighbour(state, record, state.records[index], 'collaborative');
    if (scored) candidates.push(scored);
  }
  record.collaborative.replace(candidates);
}

/** Candidates: the courses sharing at least one term with the course, through the inverted index. */
export function recomputeContent(state: ModelState, record: CourseRecord): void {
  // Accumulate dot products walking the owner's terms in ascending order: the same summation order
  // as dotProduct(), hence bit-identical scores.
  const dots = new Float64Array(state.records.length);
  const touched: number[] = [];
  for (const [term, weight] of record.vector) {
    for (const [index, otherWeight] of state.postings.get(term) ?? []) {
      if (dots[index] === 0) touched.push(index);
      dots[index] += weight * otherWeight;
    }
  }
  const collector = new TopCollector(record.content.capacity);
  for (const index of touched) {
    const other = state.records[index];
    const dot = dots[index];
    if (other === record || !state.isListed(other) || !(dot > 0)) continue;
    collector.consider(dot, other.course.id, () => scoreNeighbour(state, record, other, 'content', dot)!);
  }
  record.content.replaceCollected(collector);
}

/**
 * Candidates: the co-enrolment row and the kept content neighbours. A course in neither scores at
 * most `contentWeight × (content similarity of the last kept content neighbour)`, which every kept
 * content neighbour reaches, so the best `kept.length` of those candidates are the exact top.
 * Reads the content list, so it runs after {@link recomputeContent}.
 */
export function recomputeHybrid(state: ModelState, record: CourseRecord): void {
  const indexes = new Set(record.coEnrolments.keys());
  for (const neighbour of record.content.kept) indexes.add(neighbour.index);
  const candidates: ScoredNeighbour[] = [];
  for (const index of indexes) {
    const scored = scoreNeighbour(state, record, state.records[index], 'hybrid');
    if (scored) candidates.push(scored);
  }
  record.hybrid.replace(candidates, record.content.isComplete ? Infinity : record.content.kept.length);
}

/** `other`'s score in `owner`'s list of one kind changed: patch the list, or recompute it. */
export function patchNeighbour(
  state: ModelState,
  owner: CourseRecord,
  other: CourseRecord,
  kind: NeighbourKind,
): void {
  if (!owner[kind].update(other.course.id, scoreNeighbour(state, owner, other, kind))) {
    if (kind === 'collaborative') recomputeCollaborative(state, owner);
    else if (kind === 'content') recomputeContent(state, owner);
    else recomputeHybrid(state, owner);
  }
}

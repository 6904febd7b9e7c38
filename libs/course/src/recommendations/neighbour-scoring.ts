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

/**
 * Dot products of the course's vector with every course sharing a term, through the inverted index,
 * into the state's accumulator; returns the indexes touched (the caller zeroes them). Walks the
 * owner's terms in ascending order: the summation order of dotProduct(), so bit-identical scores.
 */
function accumulateDots(state: ModelState, record: CourseRecord, dots: Float64Array): number[] {
  const touched: number[] = [];
  for (const [term, weight] of record.vector) {
    // forEach rather than for-of: no iterator entry allocated per posting (the build's hot loop).
    state.postings.get(term)?.forEach((otherWeight, index) => {
      if (dots[index] === 0) touched.push(index);
      dots[index] += weight * otherWeight;
    });
  }
  return touched;
}

/** Content similarity of the course to each course sharing an indexed term (by course index). */
export function contentScores(state: ModelState, record: CourseRecord): Map<number, number> {
  const dots = state.contentAccumulator();
  const scores = new Map<number, number>();
  for (const index of accumulateDots(state, record, dots)) {
    scores.set(index, dots[index]);
    dots[index] = 0;
  }
  return scores;
}

/** Candidates: the courses sharing at least one indexed term with the course. */
export function recomputeContent(state: ModelState, record: CourseRecord): void {
  const dots = state.contentAccumulator();
  const touched = accumulateDots(state, record, dots);
  const collector = new TopCollector(record.content.capacity);
  for (const index of touched) {
    const other = state.records[index];
    const dot = dots[index];
    dots[index] = 0;
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
  const dots = state.contentAccumulator();
  const touched = accumulateDots(state, record, dots);
  const candidates: ScoredNeighbour[] = [];
  const consider = (index: number) => {
    const scored = scoreNeighbour(state, record, state.records[index], 'hybrid', dots[index]);
    if (scored) candidates.push(scored);
  };
  for (const index of record.coEnrolments.keys()) consider(index);
  const { content } = record;
  for (let position = 0; position < content.keptCount; position++) {
    const index = content.keptIndex(position);
    if (!record.coEnrolments.has(index)) consider(index);
  }
  for (const index of touched) dots[index] = 0;
  record.hybrid.replace(candidates, content.isComplete ? Infinity : content.keptCount);
}

/**
 * `other`'s score in `owner`'s list of one kind changed: patch the list, or recompute it. `content`
 * is their content similarity when the caller already knows it.
 */
export function patchNeighbour(
  state: ModelState,
  owner: CourseRecord,
  other: CourseRecord,
  kind: NeighbourKind,
  content?: number,
): void {
  const scored = scoreNeighbour(state, owner, other, kind, content);
  if (!owner[kind].update(other.course.id, scored, other.index)) {
    if (kind === 'collaborative') recomputeCollaborative(state, owner);
    else if (kind === 'content') recomputeContent(state, owner);
    else recomputeHybrid(state, owner);
  }
}

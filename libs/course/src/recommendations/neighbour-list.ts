/**
 * A scored neighbour of a course inside the model: its dense index and id, the score and the parts
 * of it due to co-enrolment and to text similarity (`collaborative + content = score`).
 */
export interface ScoredNeighbour {
  readonly index: number;
  readonly courseId: string;
  readonly score: number;
  readonly collaborative: number;
  readonly content: number;
}

/** Score descending, then course id ascending (code-unit order, so independent of locale). */
export function compareScored(
  a: { readonly score: number; readonly courseId: string },
  b: { readonly score: number; readonly courseId: string },
): number {
  if (a.score !== b.score) return b.score - a.score;
  return a.courseId < b.courseId ? -1 : a.courseId > b.courseId ? 1 : 0;
}

/**
 * The best neighbours of one course, sorted by {@link compareScored}: `size` are served, up to
 * `capacity` (> size) are kept so that most score changes can be patched in place.
 *
 * Invariant: the list is a prefix of the full ranking of eligible candidates (score > 0) — every
 * member beats every non-member — and `complete` says whether it holds all of them. When one
 * candidate's score changes the list is patched in O(capacity): a member that falls below the tail
 * of an incomplete list is dropped (the best non-member is not known, so the list shrinks), a
 * non-member that beats the tail is inserted. Only when an incomplete list gets shorter than `size`
 * does {@link update} answer `false`, and the owner recomputes it from its candidates.
 */
export class TopNeighbours {
  private items: ScoredNeighbour[] = [];
  private complete = true;

  constructor(
    readonly size: number,
    readonly capacity: number,
  ) {}

  /** The `size` best neighbours. */
  get served(): readonly ScoredNeighbour[] {
    return this.items.length > this.size ? this.items.slice(0, this.size) : this.items;
  }

  /** Every neighbour kept (at least the served ones; a valid prefix of the ranking). */
  get kept(): readonly ScoredNeighbour[] {
    return this.items;
  }

  get isComplete(): boolean {
    return this.complete;
  }

  /**
   * Replaces the list by the best of `candidates`. `knownPrefix`, when given, says only that many of
   * the sorted candidates are known to be exact (the rest may be beaten by courses not offered).
   */
  replace(candidates: ScoredNeighbour[], knownPrefix = Infinity): void {
    candidates.sort(compareScored);
    const keep = Math.min(this.capacity, knownPrefix);
    this.complete = candidates.length <= keep;
    if (candidates.length > keep) candidates.length = keep;
    this.items = candidates;
  }

  /** Replaces the list by what a {@link TopCollector} of this list's capacity gathered. */
  replaceCollected(collector: TopCollector): void {
    this.items = collector.best;
    this.complete = collector.offered <= collector.capacity;
  }

  /**
   * Applies a changed score of one candidate (`next` undefined: no longer eligible). Returns false
   * when the list has become too short to serve and must be recomputed.
   */
  update(courseId: string, next: ScoredNeighbour | undefined): boolean {
    const position = this.items.findIndex((item) => item.courseId === courseId);
    const previous = position >= 0 ? this.items.splice(position, 1)[0] : undefined;
    if (next !== undefined) {
      const tail = this.items[this.items.length - 1];
      // In an incomplete list, a candidate below the tail may be beaten by unknown non-members,
      // unless it was a member and did not lose ground.
      const keep =
        this.complete ||
        (previous !== undefined && compareScored(next, previous) <= 0) ||
        (tail !== undefined && compareScored(next, tail) < 0);
      if (keep) {
        this.insert(next);
        if (this.items.length > this.capacity) {
          this.items.length = this.capacity;
          this.complete = false;
        }
      }
    }
    return this.complete || this.items.length >= this.size;
  }

  private insert(entry: ScoredNeighbour): void {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareScored(this.items[middle], entry) < 0) low = middle + 1;
      else high = middle;
    }
    this.items.splice(low, 0, entry);
  }
}

/**
 * Selects the best `capacity` of a stream of candidates without building an entry for each one
 * (a content recompute considers every course sharing a term): {@link consider} builds the entry
 * only when it would enter the current best.
 */
export class TopCollector {
  readonly best: ScoredNeighbour[] = [];
  /** Eligible candidates considered so far. */
  offered = 0;

  constructor(readonly capacity: number) {}

  consider(score: number, courseId: string, build: () => ScoredNeighbour): void {
    this.offered++;
    const tail = this.best[this.best.length - 1];
    if (this.best.length >= this.capacity && compareScored({ score, courseId }, tail) >= 0) return;
    const entry = build();
    let low = 0;
    let high = this.best.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareScored(this.best[middle], entry) < 0) low = middle + 1;
      else high = middle;
    }
    this.best.splice(low, 0, entry);
    if (this.best.length > this.capacity) this.best.pop();
  }
}

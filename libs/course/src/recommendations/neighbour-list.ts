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

/** A list's entries as columns (the form a model snapshot stores). */
export interface NeighbourColumns {
  readonly indexes: Int32Array<ArrayBuffer>;
  /** Only for lists without an id resolver (see the constructor). */
  readonly courseIds?: readonly string[];
  readonly collaborative: Float64Array<ArrayBuffer>;
  readonly content: Float64Array<ArrayBuffer>;
  readonly complete: boolean;
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
 *
 * Entries are stored as columns (typed arrays), not objects: a model keeps three lists of up to
 * 2K entries per course, and as objects with boxed doubles they were most of its heap. The score
 * is not stored: it is `collaborative + content`, the very sum it was computed as.
 */
export class TopNeighbours {
  private length = 0;
  private indexes = new Int32Array(0);
  /** Course ids by position, unless `idOf` resolves them from the index (a model's lists do). */
  private courseIds: string[] | undefined;
  private collaborative = new Float64Array(0);
  private content = new Float64Array(0);
  private complete = true;

  constructor(
    readonly size: number,
    readonly capacity: number,
    private readonly idOf?: (index: number) => string,
  ) {
    this.courseIds = idOf ? undefined : [];
  }

  /** The `size` best neighbours. */
  get served(): readonly ScoredNeighbour[] {
    return this.entries(Math.min(this.size, this.length));
  }

  /** Every neighbour kept (at least the served ones; a valid prefix of the ranking). */
  get kept(): readonly ScoredNeighbour[] {
    return this.entries(this.length);
  }

  get keptCount(): number {
    return this.length;
  }

  /** The course index of the kept entry at `position`. */
  keptIndex(position: number): number {
    return this.indexes[position];
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
    this.assign(candidates.length > keep ? candidates.slice(0, keep) : candidates);
  }

  /** Replaces the list by what a {@link TopCollector} of this list's capacity gathered. */
  replaceCollected(collector: TopCollector): void {
    this.assign(collector.best);
    this.complete = collector.offered <= collector.capacity;
  }

  /**
   * Applies a changed score of one candidate (`next` undefined: no longer eligible). Returns false
   * when the list has become too short to serve and must be recomputed.
   */
  update(courseId: string, next: ScoredNeighbour | undefined, index?: number): boolean {
    const position = this.positionOf(courseId, index);
    const previous = position >= 0 ? this.entry(position) : undefined;
    if (previous) this.removeAt(position);
    if (next !== undefined) {
      const tail = this.length > 0 ? this.entry(this.length - 1) : undefined;
      // In an incomplete list, a candidate below the tail may be beaten by unknown non-members,
      // unless it was a member and did not lose ground.
      const keep =
        this.complete ||
        (previous !== undefined && compareScored(next, previous) <= 0) ||
        (tail !== undefined && compareScored(next, tail) < 0);
      if (keep) {
        this.insert(next);
        if (this.length > this.capacity) {
          this.length = this.capacity;
          if (this.courseIds) this.courseIds.length = this.capacity;
          this.complete = false;
        }
      }
    }
    return this.complete || this.length >= this.size;
  }

  toColumns(): NeighbourColumns {
    return {
      indexes: this.indexes.slice(0, this.length),
      courseIds: this.courseIds?.slice(0, this.length),
      collaborative: this.collaborative.slice(0, this.length),
      content: this.content.slice(0, this.length),
      complete: this.complete,
    };
  }

  /** Restores what {@link toColumns} gave (a snapshot loaded). */
  loadColumns(columns: NeighbourColumns): void {
    this.length = columns.indexes.length;
    this.indexes = columns.indexes;
    if (this.courseIds) this.courseIds = [...(columns.courseIds ?? [])];
    this.collaborative = columns.collaborative;
    this.content = columns.content;
    this.complete = columns.complete;
  }

  private idAt(position: number): string {
    return this.courseIds ? this.courseIds[position] : this.idOf!(this.indexes[position]);
  }

  /** Where a course is in the list (-1: not in it), by index when ids are resolved from it. */
  private positionOf(courseId: string, index: number | undefined): number {
    if (this.courseIds) {
      const position = this.courseIds.indexOf(courseId);
      return position < this.length ? position : -1;
    }
    if (index === undefined) throw new Error('a list that resolves course ids is updated by index');
    return this.indexes.subarray(0, this.length).indexOf(index);
  }

  private entry(position: number): ScoredNeighbour {
    const collaborative = this.collaborative[position];
    const content = this.content[position];
    return {
      index: this.indexes[position],
      courseId: this.idAt(position),
      score: collaborative + content,
      collaborative,
      content,
    };
  }

  private entries(count: number): ScoredNeighbour[] {
    const result: ScoredNeighbour[] = new Array<ScoredNeighbour>(count);
    for (let position = 0; position < count; position++) result[position] = this.entry(position);
    return result;
  }

  private assign(entries: readonly ScoredNeighbour[]): void {
    this.length = 0;
    if (this.courseIds) this.courseIds = [];
    this.reserve(entries.length);
    for (const entry of entries) this.setAt(this.length++, entry);
  }

  private setAt(position: number, entry: ScoredNeighbour): void {
    this.indexes[position] = entry.index;
    if (this.courseIds) this.courseIds[position] = entry.courseId;
    this.collaborative[position] = entry.collaborative;
    this.content[position] = entry.content;
  }

  /** Makes room for `count` entries, growing by doubling up to one past capacity (an insert's overflow). */
  private reserve(count: number): void {
    if (this.indexes.length >= count) return;
    const room = Math.min(Math.max(count, 2 * this.indexes.length, 4), this.capacity + 1);
    const grow = <T extends Int32Array | Float64Array>(from: T, to: T): T => {
      to.set(from.subarray(0, this.length));
      return to;
    };
    this.indexes = grow(this.indexes, new Int32Array(room));
    this.collaborative = grow(this.collaborative, new Float64Array(room));
    this.content = grow(this.content, new Float64Array(room));
  }

  private removeAt(position: number): void {
    this.indexes.copyWithin(position, position + 1, this.length);
    this.collaborative.copyWithin(position, position + 1, this.length);
    this.content.copyWithin(position, position + 1, this.length);
    this.courseIds?.splice(position, 1);
    this.length--;
  }

  private insert(entry: ScoredNeighbour): void {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const score = this.collaborative[middle] + this.content[middle];
      if (compareScored({ score, courseId: this.idAt(middle) }, entry) < 0) low = middle + 1;
      else high = middle;
    }
    this.reserve(this.length + 1);
    this.indexes.copyWithin(low + 1, low, this.length);
    this.collaborative.copyWithin(low + 1, low, this.length);
    this.content.copyWithin(low + 1, low, this.length);
    this.courseIds?.splice(low, 0, entry.courseId);
    this.setAt(low, entry);
    this.length++;
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

import { compareScored } from './neighbour-list';

export interface PopularCourse {
  readonly courseId: string;
  readonly category: string;
  /** Enrolments counted for the ranking. */
  readonly score: number;
}

/**
 * Recommendable courses ranked by enrolments, overall and per category, kept sorted as counts
 * change (an update is a binary search plus an array splice, so requests never sort).
 */
export class PopularityRanking {
  private readonly current = new Map<string, PopularCourse>();
  private readonly overall: PopularCourse[] = [];
  private readonly byCategory = new Map<string, PopularCourse[]>();

  /** Sets a course's entry; `listed` false (not published) takes it out of the rankings. */
  set(courseId: string, category: string, score: number, listed: boolean): void {
    const previous = this.current.get(courseId);
    if (previous) {
      if (listed && previous.category === category && previous.score === score) return;
      this.current.delete(courseId);
      remove(this.overall, previous);
      const list = this.byCategory.get(previous.category);
      if (list) {
        remove(list, previous);
        if (list.length === 0) this.byCategory.delete(previous.category);
      }
    }
    if (!listed) return;
    const entry: PopularCourse = { courseId, category, score };
    this.current.set(courseId, entry);
    insert(this.overall, entry);
    let list = this.byCategory.get(category);
    if (!list) {
      list = [];
      this.byCategory.set(category, list);
    }
    insert(list, entry);
  }

  /**
   * Replaces every entry at once (a build or a restored snapshot): one sort instead of a sorted
   * insert per course, which moves O(courses) entries each.
   */
  load(entries: readonly (PopularCourse & { readonly listed: boolean })[]): void {
    this.current.clear();
    this.overall.length = 0;
    this.byCategory.clear();
    for (const { courseId, category, score, listed } of entries) {
      if (!listed) continue;
      const entry: PopularCourse = { courseId, category, score };
      this.current.set(courseId, entry);
      this.overall.push(entry);
      let list = this.byCategory.get(category);
      if (!list) {
        list = [];
        this.byCategory.set(category, list);
      }
      list.push(entry);
    }
    this.overall.sort(compareScored);
    for (const list of this.byCategory.values()) list.sort(compareScored);
  }

  /** Most popular first (ties by course id); one category, or all when `category` is undefined. */
  ranked(category?: string): readonly PopularCourse[] {
    return category === undefined ? this.overall : (this.byCategory.get(category) ?? []);
  }
}

function lowerBound(list: readonly PopularCourse[], entry: PopularCourse): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareScored(list[middle], entry) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

function insert(list: PopularCourse[], entry: PopularCourse): void {
  list.splice(lowerBound(list, entry), 0, entry);
}

function remove(list: PopularCourse[], entry: PopularCourse): void {
  const position = lowerBound(list, entry);
  if (list[position]?.courseId === entry.courseId) list.splice(position, 1);
}

/**
 * A reproducible pseudo-random stream (mulberry32, public domain): the same seed gives the same
 * demo data on every machine, which Math.random cannot promise.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  intBetween(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** One item, each with probability proportional to its weight. */
  weightedPick<T>(items: readonly T[], weightOf: (item: T) => number): T {
    const total = items.reduce((sum, item) => sum + weightOf(item), 0);
    let point = this.next() * total;
    for (const item of items) {
      point -= weightOf(item);
      if (point < 0) return item;
    }
    return items[items.length - 1];
  }

  /** Up to `count` distinct items, drawn one after another by weight. */
  weightedSample<T>(items: readonly T[], count: number, weightOf: (item: T) => number): T[] {
    const remaining = [...items];
    const picked: T[] = [];
    while (picked.length < count && remaining.length > 0) {
      const item = this.weightedPick(remaining, weightOf);
      picked.push(item);
      remaining.splice(remaining.indexOf(item), 1);
    }
    return picked;
  }
}

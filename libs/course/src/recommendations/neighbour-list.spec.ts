import { compareScored, ScoredNeighbour, TopCollector, TopNeighbours } from './neighbour-list';
import { lcg } from './sample-catalogue.fixture';

function neighbour(courseId: string, score: number): ScoredNeighbour {
  return { index: 0, courseId, score, collaborative: score, content: 0 };
}

describe('compareScored', () => {
  it('orders by score descending, then id ascending', () => {
    const sorted = [neighbour('b', 1), neighbour('c', 2), neighbour('a', 1)].sort(compareScored);
    expect(sorted.map((n) => n.courseId)).toEqual(['c', 'a', 'b']);
  });
});

describe('TopNeighbours', () => {
  it('keeps the best `capacity` and serves the best `size`', () => {
    const list = new TopNeighbours(2, 3);
    list.replace([neighbour('a', 0.1), neighbour('b', 0.5), neighbour('c', 0.3), neighbour('d', 0.4)]);
    expect(list.kept.map((n) => n.courseId)).toEqual(['b', 'd', 'c']);
    expect(list.served.map((n) => n.courseId)).toEqual(['b', 'd']);
    expect(list.isComplete).toBe(false);
  });

  it('asks for a recompute only when an incomplete list gets too short to serve', () => {
    const list = new TopNeighbours(2, 3);
    list.replace([neighbour('a', 0.1), neighbour('b', 0.5), neighbour('c', 0.3), neighbour('d', 0.4)]);
    // b falls below the tail: it may now rank below the unknown `a`, so it is dropped.
    expect(list.update('b', neighbour('b', 0.05))).toBe(true);
    expect(list.kept.map((n) => n.courseId)).toEqual(['d', 'c']);
    // d disappears: one left, fewer than served, and `a` is not in the list.
    expect(list.update('d', undefined)).toBe(false);
  });

  it('matches a brute-force ranking over a random walk of score changes', () => {
    const random = lcg(7);
    const ids = Array.from({ length: 40 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    const scores = new Map<string, number>();
    const eligible = () =>
      [...scores]
        .filter(([, score]) => score > 0)
        .map(([id, score]) => neighbour(id, score))
        .sort(compareScored);
    const list = new TopNeighbours(5, 10);
    let recomputes = 0;
    for (let step = 0; step < 5000; step++) {
      const id = ids[Math.floor(random() * ids.length)];
      // Coarse scores make ties common, so the id tie-break is exercised too.
      const score = random() < 0.2 ? 0 : Math.floor(random() * 20) / 20;
      scores.set(id, score);
      if (!list.update(id, score > 0 ? neighbour(id, score) : undefined)) {
        recomputes++;
        list.replace(eligible());
      }
      expect(list.served).toEqual(eligible().slice(0, 5));
    }
    expect(recomputes).toBeGreaterThan(0);
    expect(recomputes).toBeLessThan(2500);
  });
});

describe('TopCollector', () => {
  it('keeps the best `capacity` and builds entries only for those that enter', () => {
    const collector = new TopCollector(2);
    let built = 0;
    const offer = (id: string, score: number) =>
      collector.consider(score, id, () => {
        built++;
        return neighbour(id, score);
      });
    offer('a', 0.5);
    offer('b', 0.9);
    offer('c', 0.1); // below the tail of a full collector: never built
    offer('d', 0.5); // ties with a, loses on id
    offer('0', 0.5); // ties with a, wins on id
    expect(collector.best.map((n) => n.courseId)).toEqual(['b', '0']);
    expect(collector.offered).toBe(5);
    expect(built).toBe(3);

    const list = new TopNeighbours(1, 2);
    list.replaceCollected(collector);
    expect(list.isComplete).toBe(false);
    expect(list.served.map((n) => n.courseId)).toEqual(['b']);
  });
});

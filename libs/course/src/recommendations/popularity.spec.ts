import { PopularityRanking } from './popularity';

describe('PopularityRanking', () => {
  it('ranks overall and per category, most enrolments first, ties by id', () => {
    const ranking = new PopularityRanking();
    ranking.set('b', 'Data', 5, true);
    ranking.set('a', 'Data', 5, true);
    ranking.set('c', 'Design', 9, true);
    ranking.set('d', 'Design', 1, false); // not published: never ranked
    expect(ranking.ranked().map((c) => c.courseId)).toEqual(['c', 'a', 'b']);
    expect(ranking.ranked('Data').map((c) => c.courseId)).toEqual(['a', 'b']);
    expect(ranking.ranked('Design').map((c) => c.courseId)).toEqual(['c']);
    expect(ranking.ranked('Nothing')).toEqual([]);
  });

  it('moves a course when its count, category or status changes', () => {
    const ranking = new PopularityRanking();
    ranking.set('a', 'Data', 3, true);
    ranking.set('b', 'Data', 2, true);
    ranking.set('b', 'Data', 4, true);
    expect(ranking.ranked().map((c) => [c.courseId, c.score])).toEqual([
      ['b', 4],
      ['a', 3],
    ]);
    ranking.set('a', 'Design', 3, true);
    expect(ranking.ranked('Data').map((c) => c.courseId)).toEqual(['b']);
    expect(ranking.ranked('Design').map((c) => c.courseId)).toEqual(['a']);
    ranking.set('b', 'Data', 4, false);
    expect(ranking.ranked().map((c) => c.courseId)).toEqual(['a']);
    expect(ranking.ranked('Data')).toEqual([]);
  });
});

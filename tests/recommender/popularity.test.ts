import { computePopularity, topPicks } from '../../src/recommender/popularity';
import { group, item, NOW, range, row } from './fixtures';

const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

describe('recency-weighted popularity', () => {
  it('when two titles have as many viewers but one was watched 60 days ago, then the recent one ranks first', () => {
    const rows = [
      ...range('u', 3).map((u) => row(u, 'old', { lastAt: daysAgo(60) })),
      ...range('u', 3).map((u) => row(u, 'new', { lastAt: NOW })),
    ];
    const pop = computePopularity(rows, [item('old'), item('new')], { halfLifeDays: 30 });
    expect(pop.overall.map((p) => p.contentId)).toEqual(['new', 'old']);
    expect(pop.overall[1].score).toBeCloseTo(pop.overall[0].score / 4, 10); // two half-lives
  });

  it('when a title was dismissed by everyone, then it gains no popularity', () => {
    const rows = range('u', 5).map((u) => row(u, 'meh', { dismissed: true, completed: false }));
    const pop = computePopularity(rows, [item('meh')]);
    expect(pop.overall[0].score).toBe(0);
  });

  it('when titles span genres, then per-genre lists hold only that genre, most popular first', () => {
    const rows = [
      ...group(range('a', 3), ['c1']),
      ...group(range('b', 1), ['c2']),
      ...group(range('c', 2), ['d1']),
    ];
    const pop = computePopularity(rows, [item('c1', 'Comedy'), item('c2', 'Comedy'), item('d1', 'Drama')]);
    expect(topPicks(pop, 'comedy', 10).map((p) => p.contentId)).toEqual(['c1', 'c2']);
    expect(topPicks(pop, 'ALL', 2).map((p) => p.contentId)).toEqual(['c1', 'd1']);
  });

  it('when a catalog title has no interactions, then it is still listed (last) so lists can be filled', () => {
    const pop = computePopularity([row('u', 'a')], [item('a'), item('z')]);
    expect(pop.overall.map((p) => [p.contentId, p.score > 0])).toEqual([
      ['a', true],
      ['z', false],
    ]);
  });
});

import { buildDataset } from '../../src/recommender/dataset';
import { similarUsers } from '../../src/recommender/similar-users';
import { group, range, row } from './fixtures';

describe('similar users', () => {
  const rows = [
    ...group(['a1', 'a2', 'a3'], ['s1', 's2', 's3', 'pop']),
    ...group(['b1', 'b2'], ['d1', 'd2', 'pop']),
    row('a3', 'd1'),
    ...range('x', 5).map((u) => row(u, 'pop')),
  ];
  const result = similarUsers(buildDataset(rows), { k: 5, minShared: 2 });

  it("when users share a niche taste, then they are each other's most similar users", () => {
    expect(
      result
        .get('a1')
        ?.slice(0, 2)
        .map((s) => s.userId)
        .sort(),
    ).toEqual(['a2', 'a3']);
    expect(result.get('b1')?.[0].userId).toBe('b2');
  });

  it('when two users share titles, then the shared list holds exactly the titles both liked', () => {
    const a2 = result.get('a1')?.find((s) => s.userId === 'a2');
    expect(a2?.shared.sort()).toEqual(['pop', 's1', 's2', 's3']);
  });

  it('when users share fewer than minShared titles, then they are not listed', () => {
    expect(result.get('b1')?.map((s) => s.userId)).not.toContain('x0');
  });

  it('when the blockbuster is the only thing in common, then it weighs less than a niche title (IUF)', () => {
    const a3 = result.get('b1')?.find((s) => s.userId === 'a3');
    const b2 = result.get('b1')?.find((s) => s.userId === 'b2');
    expect(b2?.score ?? 0).toBeGreaterThan(a3?.score ?? 0);
  });
});

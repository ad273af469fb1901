import {
  buildDataset,
  FLAG_EXCLUDED,
  interactionWeight,
  isExcludedFromRecommendations,
  transpose,
} from '../../src/recommender/dataset';
import { row, NOW } from './fixtures';

const w = (o: Parameters<typeof row>[2]) => interactionWeight(row('u', 'i', o));

describe('implicit-feedback weight', () => {
  it('when a title is finished, then it weighs more than one watched halfway', () => {
    expect(w({})).toBeGreaterThan(w({ completed: false, progressPct: 50 }));
  });

  it('when progress is higher, then the weight is higher', () => {
    expect(w({ completed: false, progressPct: 80 })).toBeGreaterThan(
      w({ completed: false, progressPct: 20 }),
    );
  });

  it('when a finished title is rated 4–5, then it weighs more than unrated, and 2 weighs less', () => {
    expect(w({ rating: 5 })).toBeGreaterThan(w({ rating: 4 }));
    expect(w({ rating: 4 })).toBeGreaterThan(w({}));
    expect(w({ rating: 2 })).toBeLessThan(w({}));
    expect(w({ rating: 2 })).toBeGreaterThan(0);
  });

  it('when a title is rated 1, then the weight is negative', () => {
    expect(w({ rating: 1 })).toBeLessThan(0);
  });

  it('when a title is dismissed, then the weight is negative whatever else happened', () => {
    expect(w({ dismissed: true, rating: 5 })).toBeLessThan(0);
  });

  it('when a title was only touched (no progress, rating or viewing), then the weight is 0', () => {
    expect(w({ completed: false, progressPct: 0, watchCount: 0 })).toBe(0);
  });

  it('when a finished title was re-watched, then it weighs a little more', () => {
    expect(w({ watchCount: 3 })).toBeGreaterThan(w({ watchCount: 1 }));
  });
});

describe('exclusion rule', () => {
  it.each([
    ['finished', {}],
    ['rated', { completed: false, progressPct: null, watchCount: 0, rating: 3 }],
    ['dismissed', { completed: false, progressPct: null, watchCount: 0, dismissed: true }],
    ['in progress', { completed: false, progressPct: 30 }],
  ])('when a title is %s, then it is excluded', (_name, o) => {
    expect(isExcludedFromRecommendations(row('u', 'i', o))).toBe(true);
  });

  it('when a title was only touched, then it stays recommendable', () => {
    expect(
      isExcludedFromRecommendations(row('u', 'i', { completed: false, progressPct: 0, watchCount: 0 })),
    ).toBe(false);
  });
});

describe('buildDataset', () => {
  it('when rows arrive unordered, then each CSR row lists its items in ascending index order', () => {
    const ds = buildDataset(
      [row('u2', 'c'), row('u1', 'b'), row('u2', 'a'), row('u1', 'a'), row('u2', 'b')],
      [{ contentId: 'a', title: 'A', genre: 'Drama', tags: [] }],
    );
    const { indptr, indices } = ds.interactions;
    const u2 = ds.userIndex.get('u2') as number;
    const u2Items = Array.from(indices.subarray(indptr[u2], indptr[u2 + 1]));
    expect(ds.itemIds[0]).toBe('a'); // catalog items are indexed first
    expect(u2Items).toEqual([...u2Items].sort((x, y) => x - y));
    expect(u2Items.map((i) => ds.itemIds[i]).sort()).toEqual(['a', 'b', 'c']);
    expect(indptr[ds.userIds.length]).toBe(5);
  });

  it('when the same (user, title) appears twice, then the most recent row wins', () => {
    const old = new Date(NOW.getTime() - 86_400_000);
    const ds = buildDataset([
      row('u', 'a', { lastAt: NOW, dismissed: true, completed: false }),
      row('u', 'a', { lastAt: old }),
    ]);
    expect(ds.interactions.values.length).toBe(1);
    expect(ds.interactions.values[0]).toBeLessThan(0);
    expect(ds.flags[0] & FLAG_EXCLUDED).toBe(FLAG_EXCLUDED);
  });

  it('when transposed twice, then the matrix is unchanged', () => {
    const ds = buildDataset([
      row('u1', 'a'),
      row('u1', 'b', { rating: 5 }),
      row('u2', 'b', { progressPct: 40, completed: false }),
    ]);
    const back = transpose(transpose(ds.interactions));
    expect(Array.from(back.indptr)).toEqual(Array.from(ds.interactions.indptr));
    expect(Array.from(back.indices)).toEqual(Array.from(ds.interactions.indices));
    expect(Array.from(back.values)).toEqual(Array.from(ds.interactions.values));
  });
});

import { fitCollaborative, neighborLists } from '../../src/recommender/collaborative';
import { buildDataset } from '../../src/recommender/dataset';
import { group, range, row } from './fixtures';

describe('the collaborative model', () => {
  const rows = [
    ...group(range('a', 4), ['A', 'B', 'C']),
    ...group(range('b', 2), ['A', 'D']),
    row('c0', 'E'),
  ];
  const ds = buildDataset(rows);

  it('when the active catalog fits the EASE limit, then EASE is used', () => {
    expect(fitCollaborative(ds, { easeMaxItems: 5 }).kind).toBe('ease');
  });

  it('when the active catalog exceeds the EASE limit, then item-kNN is used', () => {
    expect(fitCollaborative(ds, { easeMaxItems: 4 }).kind).toBe('item-knn');
  });

  it('when neighbour lists are exported, then each is sorted by weight, excludes the title itself and respects k', () => {
    for (const kind of ['ease', 'item-knn'] as const) {
      const lists = neighborLists(fitCollaborative(ds, { kind }), ds.itemIds, 2);
      const a = lists.get('A') ?? [];
      expect(a.length).toBeGreaterThan(0);
      expect(a.length).toBeLessThanOrEqual(2);
      expect(a.map((n) => n.contentId)).not.toContain('A');
      for (let r = 1; r < a.length; r++) expect(a[r].weight).toBeLessThanOrEqual(a[r - 1].weight);
    }
  });

  it("when titles were co-watched by many users, then they are each other's strongest neighbour", () => {
    for (const kind of ['ease', 'item-knn'] as const) {
      const lists = neighborLists(fitCollaborative(ds, { kind, ease: { lambda: 1 } }), ds.itemIds, 1);
      expect(lists.get('B')?.[0].contentId).toMatch(/^[AC]$/);
      expect(lists.get('D')?.[0].contentId).toBe('A');
    }
  });
});

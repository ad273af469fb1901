import { evaluate } from '../../src/recommender/evaluate';
import { generateSynthetic, SYNTHETIC_GENRES } from '../../src/recommender/synthetic';

describe('synthetic data', () => {
  it('when generated twice with the same seed, then the data is identical', () => {
    const a = generateSynthetic({ users: 40, items: 50, seed: 21 });
    const b = generateSynthetic({ users: 40, items: 50, seed: 21 });
    expect(b.rows).toEqual(a.rows);
    expect(b.items).toEqual(a.items);
  });

  it('when generated with another seed, then the data differs', () => {
    const a = generateSynthetic({ users: 40, items: 50, seed: 21 });
    const b = generateSynthetic({ users: 40, items: 50, seed: 22 });
    expect(b.rows).not.toEqual(a.rows);
  });

  it('when generated, then it has ~12 genres, the three content types and plausible interaction fields', () => {
    const { items, rows, users } = generateSynthetic({
      users: 300,
      items: 300,
      interactionsPerUser: 20,
      seed: 2,
    });
    expect(new Set(items.map((i) => i.genre)).size).toBe(SYNTHETIC_GENRES.length);
    expect(new Set(items.map((i) => i.contentType))).toEqual(new Set(['MOVIE', 'SERIES', 'DOCUMENTARY']));
    expect(new Set(items.map((i) => i.title)).size).toBe(items.length);
    expect(rows.every((r) => r.rating === null || (r.rating >= 1 && r.rating <= 5))).toBe(true);
    expect(rows.every((r) => r.progressPct === null || (r.progressPct >= 0 && r.progressPct <= 100))).toBe(
      true,
    );
    expect(rows.some((r) => r.dismissed) && rows.some((r) => !r.completed && (r.progressPct ?? 0) > 0)).toBe(
      true,
    );
    expect(
      users.some((u) => u.preferredGenres.length > 0) && users.some((u) => u.preferredGenres.length === 0),
    ).toBe(true);
  });

  it('when popularity is Zipf-like, then the top 10% of titles get a large share of interactions', () => {
    const { items, rows } = generateSynthetic({ users: 500, items: 200, interactionsPerUser: 20, seed: 2 });
    const counts = new Map(items.map((i) => [i.contentId, 0]));
    for (const r of rows) counts.set(r.contentId, (counts.get(r.contentId) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const top = sorted.slice(0, 20).reduce((s, c) => s + c, 0);
    expect(top / rows.length).toBeGreaterThan(0.25);
  });

  it('when evaluated, then the blend clearly beats popularity on nDCG@10', () => {
    const { rows, items, users } = generateSynthetic({
      users: 400,
      items: 200,
      interactionsPerUser: 25,
      seed: 1,
    });
    const report = evaluate(rows, items, users, { compareCollaborative: false });
    const ndcg = (prefix: string) => report.rows.find((r) => r.algorithm.startsWith(prefix))?.ndcg ?? NaN;
    expect(ndcg('blend')).toBeGreaterThan(1.5 * ndcg('popularity'));
  });
});

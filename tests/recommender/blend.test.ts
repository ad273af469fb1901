import {
  BlendSearch,
  kSkyband,
  normalizePositive,
  rankBlended,
  simplexGrid,
} from '../../src/recommender/blend';
import { MaskSet } from '../../src/recommender/metrics';
import { trainRecommender, validationNdcg, validationSplit } from '../../src/recommender/model';
import { mulberry32 } from '../../src/recommender/random';
import { generateSynthetic } from '../../src/recommender/synthetic';
import { topK } from '../../src/recommender/topk';
import type { BlendWeights } from '../../src/recommender/types';

const f64 = (xs: number[]) => Float64Array.from(xs);
const noneExcluded = (n: number) => new Uint8Array(n);
const byIndex = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

function relevant(n: number, ids: number[]): MaskSet {
  const m = new MaskSet(n);
  ids.forEach((i) => m.add(i));
  return m;
}

describe('per-user normalisation', () => {
  it('when scores are mixed-sign, then positives are divided by the best candidate and the rest become 0', () => {
    const out = new Float64Array(4);
    const excluded = Uint8Array.from([0, 0, 0, 1]);
    normalizePositive(f64([2, -1, 1, 8]), excluded, out);
    expect(Array.from(out)).toEqual([1, 0, 0.5, 0]); // item 3 is excluded: neither a candidate nor the max
  });
});

describe('rankBlended', () => {
  it('when two items tie on blended score, then the more popular one (lower tie rank) comes first', () => {
    const norm = [f64([0.5, 0.5, 0.1]), f64([0, 0, 0]), f64([0, 0, 0])];
    const { items } = rankBlended(norm, [1, 0, 0], noneExcluded(3), Int32Array.from([2, 0, 1]), 3);
    expect(Array.from(items)).toEqual([1, 0, 2]);
  });
});

describe('k-skyband pruning', () => {
  it('when scores have many ties and exclusions, then the top k of every grid point lies in the skyband and matches the full ranking', () => {
    const rng = mulberry32(99);
    for (let trial = 0; trial < 10; trial++) {
      const n = 200;
      const q = () => Math.floor(rng() * 6) / 5; // coarse values → many ties
      const norm = [0, 1, 2].map(() => Float64Array.from({ length: n }, q));
      const excluded = Uint8Array.from({ length: n }, () => (rng() < 0.1 ? 1 : 0));
      const tie = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [tie[i], tie[j]] = [tie[j], tie[i]];
      }
      const band = kSkyband(norm, excluded, tie, 10);
      const scratch = new Float64Array(n);
      for (const w of simplexGrid(0.1)) {
        const full = rankBlended(norm, w, excluded, tie, 10).items;
        for (const i of band) scratch[i] = w[0] * norm[0][i] + w[1] * norm[1][i] + w[2] * norm[2][i];
        expect(Array.from(topK(scratch, 10, { candidates: band, tieRank: tie }))).toEqual(Array.from(full));
      }
      expect(band.length).toBeLessThan(n); // it prunes something
    }
  });
});

describe('blend weight search', () => {
  it('when the grid is built, then it covers the simplex and starts with the three single components', () => {
    const grid = simplexGrid(0.1);
    expect(grid).toHaveLength(66);
    expect(grid.slice(0, 3)).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    for (const w of grid) expect(w[0] + w[1] + w[2]).toBeCloseTo(1, 12);
  });

  it('when one component alone is perfect, then no blend beats it and that component is used alone', () => {
    const search = new BlendSearch(10, 0.1);
    // The relevant item 0 is first for collaborative; content prefers 1, popularity prefers 3.
    search.addUser(
      [f64([1, 0.5, 0, 0]), f64([0, 1, 0.5, 0]), f64([0, 0, 0, 1])],
      noneExcluded(4),
      byIndex(4),
      relevant(4, [0]),
    );
    const result = search.result();
    expect(result.usedBlend).toBe(false);
    expect(result.chosen).toEqual({ collaborative: 1, content: 0, popularity: 0 });
    expect(result.chosenNdcg).toBe(1);
  });

  it("when each of two components finds a different user's title, then a mixture is chosen and beats both", () => {
    const search = new BlendSearch(1, 0.1);
    search.addUser(
      [f64([1, 0, 0.8]), f64([0.9, 0, 1]), f64([0, 0, 0])],
      noneExcluded(3),
      byIndex(3),
      relevant(3, [0]),
    );
    search.addUser(
      [f64([0, 0.9, 1]), f64([0, 1, 0.8]), f64([0, 0, 0])],
      noneExcluded(3),
      byIndex(3),
      relevant(3, [1]),
    );
    const result = search.result();
    expect(result.usedBlend).toBe(true);
    expect(result.chosen.collaborative).toBeGreaterThan(0);
    expect(result.chosen.content).toBeGreaterThan(0);
    expect(result.chosenNdcg).toBe(1);
    expect(result.bestSingle.ndcg).toBe(0.5);
  });

  it('when a mixture only ties the best single component, then the single component is kept', () => {
    const search = new BlendSearch(1, 0.5);
    // Content is perfect; blends with collaborative also rank item 0 first (tie), so content must be kept alone.
    search.addUser([f64([0.5, 1]), f64([1, 0]), f64([0, 0])], noneExcluded(2), byIndex(2), relevant(2, [0]));
    const result = search.result();
    expect(result.grid.find((g) => g.weights.collaborative === 0.5 && g.weights.content === 0.5)?.ndcg).toBe(
      1,
    );
    expect(result.chosen).toEqual({ collaborative: 0, content: 1, popularity: 0 });
  });
});

describe('blend on real training (synthetic data)', () => {
  const data = generateSynthetic({ users: 400, items: 200, interactionsPerUser: 25, seed: 11 });
  const options = { ease: { lambdaScale: 4 } };
  const model = trainRecommender(data.rows, data.items, data.users, options);
  const split = validationSplit(data.rows, data.items, data.users, options);
  const corners: BlendWeights[] = [
    { collaborative: 1, content: 0, popularity: 0 },
    { collaborative: 0, content: 1, popularity: 0 },
    { collaborative: 0, content: 0, popularity: 1 },
  ];

  it('when the chosen weights are re-scored on the validation split, then they are not worse than any single algorithm', () => {
    const chosen = validationNdcg(split, model.weights);
    for (const single of corners)
      expect(chosen).toBeGreaterThanOrEqual(validationNdcg(split, single) - 1e-12);
  });

  it('when the search reports nDCG, then an independent re-ranking of the validation split agrees', () => {
    expect(validationNdcg(split, model.weights)).toBeCloseTo(model.validation?.blend?.chosenNdcg ?? NaN, 10);
    expect(validationNdcg(split, corners[0])).toBeCloseTo(
      model.validation?.blend?.single.collaborative ?? NaN,
      10,
    );
  });
});

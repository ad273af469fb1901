import { topK } from '../../src/recommender/topk';

describe('topK', () => {
  const score = Float64Array.from([0.5, 0.9, 0.5, 0.1, 0.9]);

  it('when scores differ, then the highest come first', () => {
    expect(Array.from(topK(score, 2))).toEqual([1, 4]);
  });

  it('when scores tie, then the lower tie rank wins, then the lower index', () => {
    expect(Array.from(topK(score, 4, { tieRank: Int32Array.from([9, 5, 1, 0, 7]) }))).toEqual([1, 4, 2, 0]);
    expect(Array.from(topK(score, 4))).toEqual([1, 4, 0, 2]);
  });

  it('when items are skipped or not above the threshold, then they are never returned', () => {
    expect(Array.from(topK(score, 5, { skip: Uint8Array.from([0, 1, 0, 0, 0]), above: 0.2 }))).toEqual([
      4, 0, 2,
    ]);
  });

  it('when k exceeds the candidates, then all candidates come back sorted', () => {
    expect(Array.from(topK(score, 10, { candidates: [3, 0, 1] }))).toEqual([1, 0, 3]);
  });

  it('when many random scores are ranked, then the result equals a full sort', () => {
    const s = Float64Array.from({ length: 500 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    const expected = Array.from(s.keys())
      .sort((a, b) => s[b] - s[a] || a - b)
      .slice(0, 37);
    expect(Array.from(topK(s, 37))).toEqual(expected);
  });
});

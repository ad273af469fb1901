import {
  averagePrecisionAtK,
  MaskSet,
  ndcgAtK,
  precisionAtK,
  recallAtK,
} from '../../src/recommender/metrics';

describe('ranking metrics at k', () => {
  const ranked = ['a', 'b', 'c', 'd'];

  it('when the only relevant item is ranked second, then nDCG = 1/log2(3)', () => {
    expect(ndcgAtK(ranked, new Set(['b']), 10)).toBeCloseTo(1 / Math.log2(3), 12);
  });

  it('when relevant items sit at ranks 1 and 3 of 2 relevant, then nDCG = (1 + 1/2) / (1 + 1/log2 3)', () => {
    const expected = (1 + 1 / Math.log2(4)) / (1 + 1 / Math.log2(3));
    expect(ndcgAtK(ranked, new Set(['a', 'c']), 10)).toBeCloseTo(expected, 12);
  });

  it('when a relevant item falls below the cutoff, then it does not count', () => {
    expect(ndcgAtK(ranked, new Set(['d']), 3)).toBe(0);
    expect(precisionAtK(ranked, new Set(['d']), 3)).toBe(0);
  });

  it('when 2 of the top 4 are relevant out of 3 relevant, then P@4 = 0.5 and R@4 = 2/3', () => {
    const relevant = new Set(['a', 'c', 'z']);
    expect(precisionAtK(ranked, relevant, 4)).toBe(0.5);
    expect(recallAtK(ranked, relevant, 4)).toBeCloseTo(2 / 3, 12);
  });

  it('when relevant items are at ranks 1 and 3 of 3 relevant, then AP@10 = (1/1 + 2/3) / 3', () => {
    expect(averagePrecisionAtK(ranked, new Set(['a', 'c', 'z']), 10)).toBeCloseTo((1 + 2 / 3) / 3, 12);
  });

  it('when there is nothing relevant, then every metric is 0', () => {
    const none = new Set<string>();
    expect([
      ndcgAtK(ranked, none, 10),
      recallAtK(ranked, none, 10),
      averagePrecisionAtK(ranked, none, 10),
    ]).toEqual([0, 0, 0]);
  });

  it('when relevance is a MaskSet with an unknown item, then the unknown item still counts in the denominator', () => {
    const mask = new MaskSet(5);
    mask.add(1);
    mask.add(-1); // relevant, but unknown to the ranker
    expect(recallAtK([1, 2], mask, 10)).toBe(0.5);
    expect(ndcgAtK([1, 2], mask, 10)).toBeCloseTo(1 / (1 + 1 / Math.log2(3)), 12);
  });
});

import { buildDataset } from '../../src/recommender/dataset';
import {
  buildItemEmbeddings,
  cosineSimilarity,
  embeddingOf,
  nearestTitles,
} from '../../src/recommender/embeddings';
import { group, item, range } from './fixtures';

describe('title embeddings', () => {
  const catalog = [
    ...range('s', 5).map((id) => item(id, 'Sci-Fi', ['space'])),
    ...range('d', 5).map((id) => item(id, 'Drama', ['period'])),
    item('coldSciFi', 'Sci-Fi', ['space']),
  ];
  const rows = [
    ...group(range('sf', 8), ['s0', 's1', 's2', 's3']),
    ...group(range('dr', 8), ['d0', 'd1', 'd2', 'd3']),
    ...group(range('mx', 2), ['s4', 'd4']),
  ];
  const emb = buildItemEmbeddings(buildDataset(rows, catalog));

  it('when titles are co-watched by the same users, then they are closer than unrelated titles', () => {
    expect(cosineSimilarity(emb, 's0', 's1')).toBeGreaterThan(cosineSimilarity(emb, 's0', 'd0') + 0.3);
  });

  it('when a title has 32 dimensions, then its vector is unit length', () => {
    const v = embeddingOf(emb, 's2') as Float32Array;
    expect(v).toHaveLength(32);
    expect(v.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 5);
  });

  it('when a title has no interactions, then it still has an embedding near its genre', () => {
    const v = embeddingOf(emb, 'coldSciFi') as Float32Array;
    expect(v.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 5);
    expect(cosineSimilarity(emb, 'coldSciFi', 's0')).toBeGreaterThan(
      cosineSimilarity(emb, 'coldSciFi', 'd0'),
    );
  });

  it('when asking for the nearest titles of s0, then the co-watched sci-fi titles come first', () => {
    const nearest = nearestTitles(emb, 's0', 3).map((n) => n.contentId);
    expect(nearest.every((id) => id.startsWith('s'))).toBe(true);
  });
});

import {
  buildContentModel,
  buildProfile,
  contentScores,
  profileWeight,
} from '../../src/recommender/content-based';
import { item } from './fixtures';

const catalog = [
  item('comedy1', 'Comedy', ['satire']),
  item('comedy2', 'Comedy', ['sitcom']),
  item('drama1', 'Drama', ['period']),
  item('drama2', 'Drama', ['satire']),
];
const model = buildContentModel(catalog);

function scores(items: number[], weights: number[], preferred: string[] = []): Float64Array {
  const out = new Float64Array(catalog.length);
  contentScores(model, buildProfile(model, items, weights, preferred), out);
  return out;
}

describe('content-based scorer', () => {
  it('when a user finished a comedy, then another comedy outscores a drama', () => {
    const s = scores([0], [1]);
    expect(s[1]).toBeGreaterThan(s[2]);
  });

  it('when a finished title shares a tag, then a title with that tag outscores one without in the same genre', () => {
    const s = scores([0], [1]);
    expect(s[3]).toBeGreaterThan(s[2]); // drama2 shares 'satire' with comedy1
  });

  it('when the user only declared a preferred genre, then titles of that genre score above the others', () => {
    const s = scores([], [], ['drama']);
    expect(Math.min(s[2], s[3])).toBeGreaterThan(Math.max(s[0], s[1]));
  });

  it('when a title was finished or rated 4–5, then it shapes the profile; started only does not; rejected is negative', () => {
    expect(profileWeight(true, 0, false, 1)).toBe(1);
    expect(profileWeight(false, 5, false, 1.2)).toBe(1.2);
    expect(profileWeight(false, 0, false, 0.5)).toBe(0);
    expect(profileWeight(true, 1, false, -0.5)).toBeLessThan(0);
    expect(profileWeight(false, 0, true, -1)).toBeLessThan(0);
  });

  it('when item vectors are built, then each is unit length', () => {
    const { indptr, values } = model.itemFeatures;
    for (let i = 0; i < catalog.length; i++) {
      let s = 0;
      for (let q = indptr[i]; q < indptr[i + 1]; q++) s += values[q] ** 2;
      expect(s).toBeCloseTo(1, 12);
    }
  });
});

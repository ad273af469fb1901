import { buildDataset, positivePart, transpose } from '../../src/recommender/dataset';
import { fitItemKnn } from '../../src/recommender/item-knn';
import { group, row } from './fixtures';

describe('item-kNN', () => {
  it('when A and B share 2 of their 3 and 2 users, then sim = 2 / (√3·√2 + shrink)', () => {
    const ds = buildDataset([...group(['u1', 'u2'], ['A', 'B']), row('u3', 'A')]);
    const x = positivePart(ds.interactions);
    const model = fitItemKnn(x, transpose(x), { shrink: 1, k: 10 });
    const a = ds.itemIndex.get('A') as number;
    const b = ds.itemIndex.get('B') as number;
    expect(model.weight(a, b)).toBeCloseTo(2 / (Math.sqrt(3) * Math.sqrt(2) + 1), 12);
    expect(model.weight(b, a)).toBeCloseTo(model.weight(a, b), 12);
  });

  it('when k is 1, then each item keeps only its strongest neighbour', () => {
    const ds = buildDataset([...group(['u1', 'u2', 'u3'], ['A', 'B']), ...group(['u4'], ['A', 'C'])]);
    const x = positivePart(ds.interactions);
    const model = fitItemKnn(x, transpose(x), { shrink: 0, k: 1 });
    const { items } = model.neighbors(ds.itemIndex.get('A') as number, 10);
    expect(Array.from(items).map((i) => ds.itemIds[i])).toEqual(['B']);
  });

  it('when two titles never share a user, then they are not neighbours', () => {
    const ds = buildDataset([...group(['u1'], ['A', 'B']), ...group(['u2'], ['C', 'D'])]);
    const x = positivePart(ds.interactions);
    const model = fitItemKnn(x, transpose(x));
    expect(model.weight(ds.itemIndex.get('A') as number, ds.itemIndex.get('C') as number)).toBe(0);
  });
});

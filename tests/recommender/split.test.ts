import { splitPerUser } from '../../src/recommender/split';
import { range, row } from './fixtures';

describe('per-user split', () => {
  const rows = [
    ...range('a', 8).map((t) => row('u1', t)),
    ...range('b', 4).map((t) => row('u2', t)),
    row('u3', 'x'),
  ];

  it('when a user has 8 rows, then 2 go to test (25%)', () => {
    const { test } = splitPerUser(rows, { seed: 1 });
    expect(test.filter((r) => r.userId === 'u1')).toHaveLength(2);
    expect(test.filter((r) => r.userId === 'u2')).toHaveLength(1);
  });

  it('when a user has a single row, then it stays in train', () => {
    const { train } = splitPerUser(rows, { seed: 1 });
    expect(train.filter((r) => r.userId === 'u3')).toHaveLength(1);
  });

  it('when rows are shuffled, then the same rows go to test', () => {
    const a = splitPerUser(rows, { seed: 5 })
      .test.map((r) => `${r.userId}/${r.contentId}`)
      .sort();
    const b = splitPerUser([...rows].reverse(), { seed: 5 })
      .test.map((r) => `${r.userId}/${r.contentId}`)
      .sort();
    expect(b).toEqual(a);
  });

  it('when the seed changes, then the held-out rows change', () => {
    const many = range('t', 40).map((t) => row('u', t));
    const a = splitPerUser(many, { seed: 1 }).test.map((r) => r.contentId);
    const b = splitPerUser(many, { seed: 2 }).test.map((r) => r.contentId);
    expect(b).not.toEqual(a);
  });

  it('when split, then every row lands on exactly one side', () => {
    const { train, test } = splitPerUser(rows, { seed: 3 });
    expect(train.length + test.length).toBe(rows.length);
    expect(new Set([...train, ...test]).size).toBe(rows.length);
  });
});

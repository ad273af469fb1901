/**
 * Deterministic per-user holdout: each user's rows are ordered by a seeded hash of (user, content) — so the
 * split does not depend on row order — and the first floor(count · testFraction) go to the test side,
 * always leaving at least one row in train.
 */
import { hashString } from './random';
import type { InteractionRow } from './types';

export interface SplitOptions {
  testFraction?: number;
  seed?: number;
}

export interface Split {
  train: InteractionRow[];
  test: InteractionRow[];
}

export const DEFAULT_TEST_FRACTION = 0.25;
export const DEFAULT_SPLIT_SEED = 42;

export function splitPerUser(rows: readonly InteractionRow[], options: SplitOptions = {}): Split {
  const fraction = options.testFraction ?? DEFAULT_TEST_FRACTION;
  const seed = options.seed ?? DEFAULT_SPLIT_SEED;
  if (!(fraction >= 0 && fraction < 1)) throw new Error('testFraction must be in [0, 1)');
  const byUser = new Map<string, number[]>();
  for (let r = 0; r < rows.length; r++) {
    const list = byUser.get(rows[r].userId);
    if (list) list.push(r);
    else byUser.set(rows[r].userId, [r]);
  }
  const isTest = new Uint8Array(rows.length);
  for (const [userId, list] of byUser) {
    const nTest = Math.min(Math.floor(list.length * fraction), list.length - 1);
    if (nTest <= 0) continue;
    const userSeed = hashString(userId, seed);
    const keyed = list.map((r) => ({ r, key: hashString(rows[r].contentId, userSeed) }));
    keyed.sort((a, b) => a.key - b.key || (rows[a.r].contentId < rows[b.r].contentId ? -1 : 1));
    for (let t = 0; t < nTest; t++) isTest[keyed[t].r] = 1;
  }
  const train: InteractionRow[] = [];
  const test: InteractionRow[] = [];
  for (let r = 0; r < rows.length; r++) (isTest[r] ? test : train).push(rows[r]);
  return { train, test };
}

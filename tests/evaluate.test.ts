import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatEvaluation, movieLensInput, runEvaluation, syntheticInput } from '../src/jobs/evaluate';
import { movieLensContentId, movieLensUserId } from '../src/importers/movielens';

/** A MovieLens-100K-format directory with two taste groups (items 1–10 and 11–20), generated here. */
function writeMovieLensDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-eval-'));
  const flags = (g: number) => Array.from({ length: 19 }, (_, i) => (i === g ? '1' : '0')).join('|');
  const items = Array.from(
    { length: 20 },
    (_, i) => `${i + 1}|Title ${i + 1} (1990)|01-Jan-1990||http://x|${flags(i < 10 ? 5 : 8)}`,
  );
  const data: string[] = [];
  for (let u = 1; u <= 40; u++) {
    const base = u % 2 === 0 ? 0 : 10;
    for (let k = 0; k < 8; k++)
      data.push(`${u}\t${base + ((u + k) % 10) + 1}\t${4 + (k % 2)}\t${880000000 + u * 100 + k}`);
  }
  fs.writeFileSync(path.join(dir, 'u.item'), items.join('\n'));
  fs.writeFileSync(path.join(dir, 'u.data'), data.join('\n'));
  return dir;
}

describe('npm run evaluate', () => {
  it('when given a MovieLens directory, then its ratings are finished, rated interactions under the importer’s ids', () => {
    const input = movieLensInput(writeMovieLensDir());
    expect(input.rows).toHaveLength(320);
    expect(input.items).toHaveLength(20);
    expect(input.rows[0]).toMatchObject({
      userId: movieLensUserId('1'),
      contentId: movieLensContentId(String(((1 + 0) % 10) + 11)),
      completed: true,
      progressPct: 100,
      rating: 4,
      dismissed: false,
    });
  });

  it('when it evaluates, then it reports nDCG, P, R and MAP at 10 for popularity, each algorithm and the blend', () => {
    const input = movieLensInput(writeMovieLensDir());
    const report = runEvaluation(input);
    const names = report.rows.map((r) => r.algorithm);
    expect(names.slice(0, 3)).toEqual(['popularity', 'content-based', 'EASE']);
    expect(names).toContain('item-kNN');
    expect(names.at(-1)).toMatch(/^blend \(/);
    for (const r of report.rows) {
      for (const m of [r.ndcg, r.precision, r.recall, r.map]) expect(m >= 0 && m <= 1).toBe(true);
      expect(r.users).toBe(40);
    }
    // Two clean taste groups: the collaborative model must beat popularity.
    const by = new Map(report.rows.map((r) => [r.algorithm, r]));
    expect(by.get('EASE')!.ndcg).toBeGreaterThan(by.get('popularity')!.ndcg);
    const text = formatEvaluation(input, report);
    expect(text).toMatch(/\| algorithm\s+\| nDCG@10 \|\s+P@10 \|\s+R@10 \| MAP@10 \| users \|/);
  });

  it('when asked for synthetic data, then the same options give the same dataset', () => {
    const a = syntheticInput({ users: 50, titles: 40, perUser: 10, seed: 3 });
    const b = syntheticInput({ users: 50, titles: 40, perUser: 10, seed: 3 });
    expect(a.rows.length).toBeGreaterThan(0);
    expect(b.rows).toEqual(a.rows);
  });
});

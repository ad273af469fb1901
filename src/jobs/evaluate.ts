/**
 * Offline evaluation of the recommender (`npm run evaluate`) on a MovieLens-100K-format directory or on the
 * synthetic generator's data. The core's `evaluate` does the work: a per-user 75/25 split (seeded), training on the
 * 75% only (λ and the blend weights chosen on a validation split inside it), ranking every test user with their
 * training titles removed, and nDCG / Precision / Recall / MAP at 10 for popularity, each algorithm alone and the blend.
 */
import { readMovieLens } from '../importers/movielens';
import {
  evaluate,
  formatEvaluationTable,
  generateSynthetic,
  type EvaluationReport,
  type InteractionRow,
  type ItemMeta,
  type UserMeta,
} from '../recommender';
import { movieLensContentId, movieLensUserId } from '../importers/movielens';
import { MaskSet, MetricsAccumulator, rankingMetrics } from '../recommender/metrics';
import { relevantByUser } from '../recommender/model';
import { splitPerUser } from '../recommender/split';
import { sparkTopK, type SparkOptions } from './spark';

export interface EvaluationInput {
  source: string;
  rows: InteractionRow[];
  items: ItemMeta[];
  users: UserMeta[];
}

/**
 * A MovieLens directory as the recommender's input, with the same ids the importer gives (so numbers here describe
 * what `npm run recommend` trains on after `npm run import:movielens`): every rating is a finished viewing with that
 * rating at its original time.
 */
export function movieLensInput(dir: string): EvaluationInput {
  const data = readMovieLens(dir);
  const rows: InteractionRow[] = data.ratings.map((r) => ({
    userId: movieLensUserId(r.user),
    contentId: movieLensContentId(r.item),
    progressPct: 100,
    completed: true,
    rating: r.rating,
    dismissed: false,
    watchCount: 1,
    lastAt: r.at,
  }));
  const items: ItemMeta[] = data.items.map((c) => ({
    contentId: c.id,
    title: c.title,
    genre: c.genre,
    tags: c.tags,
    releaseYear: c.releaseYear,
    contentType: c.contentType,
  }));
  const users: UserMeta[] = data.users.map((u) => ({
    userId: movieLensUserId(u.externalId),
    preferredGenres: u.preferredGenres,
  }));
  return { source: `MovieLens directory ${dir}`, rows, items, users };
}

export interface SyntheticInputOptions {
  users: number;
  titles: number;
  /** Mean interactions per user. */
  perUser: number;
  seed: number;
}

export function syntheticInput(o: SyntheticInputOptions): EvaluationInput {
  const data = generateSynthetic({
    users: o.users,
    items: o.titles,
    interactionsPerUser: o.perUser,
    seed: o.seed,
  });
  return {
    source: `synthetic data (users ${o.users}, titles ${o.titles}, ~${o.perUser} interactions per user, seed ${o.seed})`,
    rows: data.rows,
    items: data.items,
    users: data.users,
  };
}

export function runEvaluation(input: EvaluationInput, options: { seed?: number } = {}): EvaluationReport {
  return evaluate(input.rows, input.items, input.users, { splitSeed: options.seed ?? 1, testFraction: 0.25 });
}

export function formatEvaluation(input: EvaluationInput, report: EvaluationReport): string {
  const v = report.validation;
  const lines = [
    `${input.source}: ${input.users.length.toLocaleString('en-US')} users, ${input.items.length.toLocaleString('en-US')} titles, ` +
      `${input.rows.length.toLocaleString('en-US')} interactions; per-user split ${report.trainRows.toLocaleString('en-US')} train / ` +
      `${report.testRows.toLocaleString('en-US')} test`,
    '',
    formatEvaluationTable(report),
    '',
    `collaborative model: ${report.collaborativeKind}` +
      (v?.easeLambdaScale != null
        ? `, λ = ${v.easeLambdaScale} × mean Gram diagonal (validation nDCG@10 by scale: ${v.lambdaSearch
            .map((s) => `${s.scale} → ${s.ndcg.toFixed(4)}`)
            .join(', ')})`
        : ''),
  ];
  if (v?.blend) {
    const b = v.blend;
    lines.push(
      `blend weights ${b.chosen.collaborative.toFixed(2)}/${b.chosen.content.toFixed(2)}/${b.chosen.popularity.toFixed(2)} ` +
        `(collaborative/content/popularity) chosen on ${b.users} validation users inside the training 75%: nDCG@10 ` +
        `${b.chosenNdcg.toFixed(4)} vs best single (${b.bestSingle.component}) ${b.bestSingle.ndcg.toFixed(4)}`,
    );
  }
  lines.push(
    `time: split ${report.timingsMs.split.toFixed(0)} ms, train ${report.timingsMs.train.toFixed(0)} ms, ` +
      `rank + score ${report.timingsMs.evaluate.toFixed(0)} ms`,
  );
  return lines.join('\n');
}

/**
 * `npm run evaluate -- --engine spark`: the single-machine evaluation (every algorithm and the blend), plus the Spark
 * engine on the SAME per-user split — the Spark job trains on the same 75% (spark/recommend_job.py --mode evaluate)
 * and returns each test user's top k, scored here with the same metrics, as an extra row of the same table.
 */
export async function runSparkEvaluation(
  input: EvaluationInput,
  options: { seed?: number; spark?: SparkOptions } = {},
): Promise<{
  report: EvaluationReport;
  spark: { ndcg: number; blendNdcg: number; ms: number; label: string };
}> {
  const seed = options.seed ?? 1;
  const report = runEvaluation(input, { seed });
  const k = report.k;
  // The exact split evaluate() made (same rows, fraction and seed), so both engines see the same train and test sets.
  const { train, test } = splitPerUser(input.rows, { testFraction: 0.25, seed });
  const relevant = relevantByUser(test);
  const result = await sparkTopK(train, input.items, input.users, [...relevant.keys()], k, options.spark);
  const index = new Map<string, number>();
  for (const id of [...input.items.map((i) => i.contentId), ...train.map((r) => r.contentId)])
    if (!index.has(id)) index.set(id, index.size);
  const mask = new MaskSet(index.size);
  const acc = new MetricsAccumulator();
  for (const [userId, contentIds] of relevant) {
    mask.clear();
    for (const id of contentIds) mask.add(index.get(id) ?? -1);
    const ranked = Int32Array.from(result.lists.get(userId) ?? [], (id) => index.get(id) ?? -1);
    acc.add(rankingMetrics(ranked, mask, k));
  }
  const p = result.params;
  const label = `ALS on Spark (rank ${p.rank}, λ ${p.reg}, α ${p.alpha}, ${p.iterations} it.${p.popWeight ? `, pop ${p.popWeight}` : ''})`;
  const row = { algorithm: label, users: acc.users, ...acc.mean() };
  report.rows.push(row);
  const blend = report.rows.find((r) => r.algorithm.startsWith('blend'));
  return {
    report,
    spark: { ndcg: row.ndcg, blendNdcg: blend?.ndcg ?? 0, ms: result.ms, label },
  };
}

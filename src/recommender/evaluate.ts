/**
 * Offline evaluation: per-user 75/25 split (seeded), train on 75% (the blend weights are chosen on a
 * validation split of that 75% only), rank each test user with their training titles removed, and report
 * nDCG / Precision / Recall / MAP at k for popularity, each algorithm alone, and the blend.
 */
import { weightVector } from './blend';
import { fitCollaborative, type CollaborativeModel } from './collaborative';
import { MaskSet, MetricsAccumulator, rankingMetrics, type RankingMetrics } from './metrics';
import {
  historyOf,
  modelSource,
  rankHistory,
  relevantByUser,
  trainRecommender,
  type TrainOptions,
  type ValidationReport,
} from './model';
import { UserScorer } from './scoring';
import { splitPerUser } from './split';
import { blendWeights } from './blend';
import type { BlendWeights, InteractionRow, ItemMeta, UserMeta } from './types';

export interface EvaluateOptions extends TrainOptions {
  testFraction?: number;
  splitSeed?: number;
  /** Also evaluate the collaborative model that was not chosen (EASE vs item-kNN). Default true. */
  compareCollaborative?: boolean;
}

export interface EvaluationRow extends RankingMetrics {
  algorithm: string;
  users: number;
}

export interface EvaluationReport {
  k: number;
  rows: EvaluationRow[];
  weights: BlendWeights;
  collaborativeKind: CollaborativeModel['kind'];
  /** How the trainer chose λ and the blend weights on its own validation split (inside the 75%). */
  validation: ValidationReport | null;
  trainRows: number;
  testRows: number;
  timingsMs: { split: number; train: number; evaluate: number };
}

export function evaluate(
  rows: readonly InteractionRow[],
  items: readonly ItemMeta[] = [],
  users: readonly UserMeta[] = [],
  options: EvaluateOptions = {},
): EvaluationReport {
  const k = options.k ?? 10;
  let t = performance.now();
  const { train, test } = splitPerUser(rows, {
    testFraction: options.testFraction ?? 0.25,
    seed: options.splitSeed,
  });
  const splitMs = performance.now() - t;

  t = performance.now();
  const model = trainRecommender(train, items, users, options);
  const trainMs = performance.now() - t;

  t = performance.now();
  const variants: { algorithm: string; scorer: UserScorer; weights: BlendWeights }[] = [];
  const main = new UserScorer(model.ctx, modelSource(model.collaborative));
  const collabName = model.collaborative.kind === 'ease' ? 'EASE' : 'item-kNN';
  variants.push({ algorithm: 'popularity', scorer: main, weights: blendWeights([0, 0, 1]) });
  variants.push({ algorithm: 'content-based', scorer: main, weights: blendWeights([0, 1, 0]) });
  variants.push({ algorithm: collabName, scorer: main, weights: blendWeights([1, 0, 0]) });
  const blendName = `blend (${weightVector(model.weights)
    .map((x) => x.toFixed(2))
    .join('/')})`;
  variants.push({ algorithm: blendName, scorer: main, weights: model.weights });
  if (options.compareCollaborative ?? true) {
    const otherKind = model.collaborative.kind === 'ease' ? 'item-knn' : 'ease';
    const other = fitCollaborative(model.dataset, {
      ...options,
      kind: otherKind,
      ease: { ...options.ease, lambdaScale: model.validation?.easeLambdaScale ?? options.ease?.lambdaScale },
    });
    variants.splice(variants.length - 1, 0, {
      algorithm: other.kind === 'ease' ? 'EASE' : 'item-kNN',
      scorer: new UserScorer(model.ctx, modelSource(other)),
      weights: blendWeights([1, 0, 0]),
    });
  }

  const userMeta = new Map(users.map((u) => [u.userId, u]));
  const acc = variants.map(() => new MetricsAccumulator());
  const relevant = new MaskSet(model.ctx.itemIds.length);
  for (const [userId, contentIds] of relevantByUser(test)) {
    relevant.clear();
    for (const id of contentIds) relevant.add(model.ctx.itemIndex.get(id) ?? -1);
    const history = historyOf(model, userId, userMeta);
    let lastScored: UserScorer | null = null;
    for (let v = 0; v < variants.length; v++) {
      const { scorer, weights } = variants[v];
      if (scorer !== lastScored) scorer.score(history);
      lastScored = scorer;
      const { items: ranked } = rankHistory(scorer, history, weights, k, true);
      acc[v].add(rankingMetrics(ranked, relevant, k));
    }
  }
  const evaluateMs = performance.now() - t;
  return {
    k,
    rows: variants.map((v, i) => ({ algorithm: v.algorithm, users: acc[i].users, ...acc[i].mean() })),
    weights: model.weights,
    collaborativeKind: model.collaborative.kind,
    validation: model.validation,
    trainRows: train.length,
    testRows: test.length,
    timingsMs: { split: splitMs, train: trainMs, evaluate: evaluateMs },
  };
}

export function formatEvaluationTable(report: EvaluationReport): string {
  const k = report.k;
  const header = ['algorithm', `nDCG@${k}`, `P@${k}`, `R@${k}`, `MAP@${k}`, 'users'];
  const lines = report.rows.map((r) => [
    r.algorithm,
    r.ndcg.toFixed(4),
    r.precision.toFixed(4),
    r.recall.toFixed(4),
    r.map.toFixed(4),
    String(r.users),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
  const fmt = (cells: string[]): string =>
    '| ' +
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ') +
    ' |';
  const sep =
    '|' + widths.map((w, c) => (c === 0 ? ':' + '-'.repeat(w + 1) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [fmt(header), sep, ...lines.map(fmt)].join('\n');
}

/**
 * Prints the offline evaluation table on synthetic data, with timings of every stage.
 *
 *   npx tsx src/recommender/evaluate-synthetic.ts [--users 2000] [--items 1000] [--per-user 50] [--seed 1]
 *                                                [--ease-items 1700]
 */
import { buildDataset, positivePart } from './dataset';
import { easeFromGram, gramLower } from './ease';
import { buildItemEmbeddings } from './embeddings';
import { evaluate, formatEvaluationTable } from './evaluate';
import { modelNeighborLists, trainRecommender } from './model';
import { mulberry32 } from './random';
import { recommendAll, recommendForUserOnline } from './recommend';
import { similarUsers } from './similar-users';
import { generateSynthetic } from './synthetic';
import type { CsrMatrix } from './dataset';
import type { InteractionRow } from './types';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? Number(process.argv[i + 1]) : fallback;
}

function timed<T>(label: string, fn: () => T, timings: [string, number][]): T {
  const t = performance.now();
  const out = fn();
  timings.push([label, performance.now() - t]);
  return out;
}

/** users × items random sparse matrix with `perUser` distinct items per user, weights in [0.5, 1.5). */
function randomSparse(nUsers: number, nItems: number, perUser: number, seed: number): CsrMatrix {
  const rng = mulberry32(seed);
  const indptr = new Int32Array(nUsers + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    const picked = new Set<number>();
    while (picked.size < perUser) picked.add(Math.floor(rng() * nItems));
    for (const i of [...picked].sort((a, b) => a - b)) {
      indices.push(i);
      values.push(0.5 + rng());
    }
    indptr[u + 1] = indices.length;
  }
  return {
    nRows: nUsers,
    nCols: nItems,
    indptr,
    indices: Int32Array.from(indices),
    values: Float64Array.from(values),
  };
}

function main(): void {
  const users = arg('users', 2000);
  const items = arg('items', 1000);
  const perUser = arg('per-user', 50);
  const seed = arg('seed', 1);
  const easeItems = arg('ease-items', 1700);
  const timings: [string, number][] = [];

  const data = timed(
    'generate synthetic data',
    () => generateSynthetic({ users, items, interactionsPerUser: perUser, seed }),
    timings,
  );
  console.log(
    `Synthetic data: ${data.users.length} users × ${data.items.length} titles, ${data.rows.length} interactions (seed ${seed})\n`,
  );

  const report = timed(
    'evaluate (split + train on 75% + rank test users)',
    () => evaluate(data.rows, data.items, data.users),
    timings,
  );
  console.log(formatEvaluationTable(report));
  const v = report.validation;
  console.log(
    `\nCollaborative model: ${report.collaborativeKind}` +
      (v?.easeLambdaScale != null
        ? `, λ = ${v.easeLambdaScale} × mean Gram diagonal (validation nDCG@10 by scale: ${v.lambdaSearch
            .map((s) => `${s.scale}→${s.ndcg.toFixed(4)}`)
            .join(', ')})`
        : ''),
  );
  if (v?.blend) {
    const b = v.blend;
    console.log(
      `Blend chosen on the trainer's own validation split (${b.users} users): ` +
        `${JSON.stringify(b.chosen)} nDCG@10 ${b.chosenNdcg.toFixed(4)}; best single = ${b.bestSingle.component} ` +
        `${b.bestSingle.ndcg.toFixed(4)}; ${b.usedBlend ? 'mixture used' : 'single algorithm used'}`,
    );
  }
  console.log(
    `Evaluation timings: split ${report.timingsMs.split.toFixed(0)} ms, train ${report.timingsMs.train.toFixed(0)} ms, ` +
      `rank+score ${report.timingsMs.evaluate.toFixed(0)} ms\n`,
  );

  // Production path on all rows.
  const model = timed(
    'train on 100% (validation search + final fit)',
    () => trainRecommender(data.rows, data.items, data.users),
    timings,
  );
  let listed = 0;
  timed(
    'rank all users (top 50 + reasons)',
    () => {
      for (const { recommendations } of recommendAll(model, { n: 50 })) listed += recommendations.length;
    },
    timings,
  );
  const lists = timed('neighbour lists (top 100 per title)', () => modelNeighborLists(model, 100), timings);
  const ds = buildDataset(data.rows, data.items, data.users);
  timed('similar users (top 20 per user)', () => similarUsers(ds, { k: 20 }), timings);
  timed('embeddings (32-d, all titles)', () => buildItemEmbeddings(ds), timings);
  const byUser = new Map<string, InteractionRow[]>();
  for (const r of data.rows) {
    const list = byUser.get(r.userId);
    if (list) list.push(r);
    else byUser.set(r.userId, [r]);
  }
  const sample = data.users.slice(0, 200);
  for (const u of sample.slice(0, 20)) {
    recommendForUserOnline(byUser.get(u.userId) ?? [], lists, model.popularity, data.items, u, {
      weights: model.weights,
    });
  }
  const t0 = performance.now();
  for (const u of sample) {
    recommendForUserOnline(byUser.get(u.userId) ?? [], lists, model.popularity, data.items, u, {
      weights: model.weights,
    });
  }
  const onlineMs = (performance.now() - t0) / sample.length;

  // EASE on a random sparse matrix.
  const x = positivePart(randomSparse(5000, easeItems, 40, 7));
  const slot = Int32Array.from({ length: easeItems }, (_, i) => i);
  const gram = timed(
    `EASE Gram XᵀX (${easeItems} items, ${x.indices.length} nnz)`,
    () => gramLower(x, slot, easeItems),
    timings,
  );
  timed(
    `EASE Cholesky inverse + B (${easeItems} × ${easeItems})`,
    () => easeFromGram(gram, easeItems, 100),
    timings,
  );

  console.log('Timings');
  for (const [label, ms] of timings) console.log(`  ${label.padEnd(60)} ${ms.toFixed(0).padStart(7)} ms`);
  console.log(
    `  ${'online refresh of one user (avg over 200, warm)'.padEnd(60)} ${onlineMs.toFixed(2).padStart(7)} ms`,
  );
  console.log(`\n${listed} recommendations for ${model.dataset.userIds.length} users.`);
}

main();

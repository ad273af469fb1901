/**
 * Training split in two so the batch job can use both halves of the machine:
 *   1. chooseHyperparameters — the validation part of trainRecommender (EASE λ and the blend weights, chosen on a
 *      held-out split), the most expensive step (several EASE fits), run in a worker thread;
 *   2. trainWithHyperparameters — the final fit on all rows with those choices fixed (trainRecommender then skips its
 *      own validation), on the main thread.
 * Meanwhile the main thread does everything that depends on the data alone (popularity snapshot, embeddings, similar
 * users and their writes). The result is the same model trainRecommender(rows, items, users, options) returns: the
 * choices are made by the same exported core functions on the same split.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_BLEND_WEIGHTS, type BlendSearchResult } from '../recommender/blend';
import { DEFAULT_EASE_LAMBDA_SCALE } from '../recommender/ease';
import {
  chooseEaseLambda,
  DEFAULT_EASE_LAMBDA_SCALES,
  searchBlendWeights,
  trainRecommender,
  validationSplit,
  type TrainedRecommender,
  type TrainOptions,
  type ValidationReport,
} from '../recommender/model';
import type { BlendWeights, InteractionRow, ItemMeta, UserMeta } from '../recommender/types';

export interface Hyperparameters {
  weights: BlendWeights;
  /** The EASE λ scale to fit with (null: the options fixed λ themselves). */
  lambdaScale: number | null;
  validation: ValidationReport | null;
}

const lambdaFixed = (o: TrainOptions) => o.ease?.lambda !== undefined || o.ease?.lambdaScale !== undefined;

/** The validation branch of trainRecommender (src/recommender/model.ts), returning only its choices. */
export function chooseHyperparameters(
  rows: readonly InteractionRow[],
  items: readonly ItemMeta[],
  users: readonly UserMeta[],
  options: TrainOptions = {},
): Hyperparameters {
  if (options.weights && lambdaFixed(options))
    return { weights: options.weights, lambdaScale: null, validation: null };
  const split = validationSplit(rows, items, users, options);
  let easeLambdaScale: number | null = null;
  let lambdaSearch: { scale: number; ndcg: number }[] = [];
  let blend: BlendSearchResult | null = null;
  // Without validation users there is no evidence to choose with: the defaults stay.
  if (split.users.length > 0) {
    let parts = split.parts;
    if (parts.collaborative.kind === 'ease' && !lambdaFixed(options)) {
      const chosen = chooseEaseLambda(
        split,
        options.easeLambdaScales ?? DEFAULT_EASE_LAMBDA_SCALES,
        options.k,
      );
      easeLambdaScale = chosen.scale;
      lambdaSearch = chosen.search;
      parts = { ...parts, collaborative: chosen.model };
    }
    blend = options.weights ? null : searchBlendWeights({ parts, users: split.users }, options);
  }
  return {
    weights: options.weights ?? blend?.chosen ?? DEFAULT_BLEND_WEIGHTS,
    lambdaScale: lambdaFixed(options) ? null : easeLambdaScale,
    validation: { blend, easeLambdaScale, lambdaSearch, users: split.users.length },
  };
}

/** The final fit on all rows with the chosen λ and weights (trainRecommender skips its validation: both are fixed). */
export function trainWithHyperparameters(
  rows: readonly InteractionRow[],
  items: readonly ItemMeta[],
  users: readonly UserMeta[],
  options: TrainOptions,
  hyper: Hyperparameters,
): TrainedRecommender {
  const ease = lambdaFixed(options)
    ? options.ease
    : // A fixed scale also when item-kNN is used (it ignores it), so trainRecommender does not validate again.
      { ...options.ease, lambdaScale: hyper.lambdaScale ?? DEFAULT_EASE_LAMBDA_SCALE };
  const model = trainRecommender(rows, items, users, { ...options, ease, weights: hyper.weights });
  return { ...model, validation: hyper.validation };
}

// ---------------------------------------------------------------------------------------------------------------
// The worker: rows travel as columns (typed arrays + string tables), far cheaper to copy than a million objects.

export interface PackedRows {
  userIds: string[];
  contentIds: string[];
  user: Int32Array;
  content: Int32Array;
  /** NaN = null. */
  progress: Float32Array;
  /** 0 = null. */
  rating: Int8Array;
  /** bit 0 completed, bit 1 dismissed. */
  flags: Uint8Array;
  watchCount: Int32Array;
  lastAt: Float64Array;
}

export function packRows(rows: readonly InteractionRow[]): PackedRows {
  const n = rows.length;
  const userIndex = new Map<string, number>();
  const contentIndex = new Map<string, number>();
  const p: PackedRows = {
    userIds: [],
    contentIds: [],
    user: new Int32Array(n),
    content: new Int32Array(n),
    progress: new Float32Array(n),
    rating: new Int8Array(n),
    flags: new Uint8Array(n),
    watchCount: new Int32Array(n),
    lastAt: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    let u = userIndex.get(r.userId);
    if (u === undefined) userIndex.set(r.userId, (u = p.userIds.push(r.userId) - 1));
    let c = contentIndex.get(r.contentId);
    if (c === undefined) contentIndex.set(r.contentId, (c = p.contentIds.push(r.contentId) - 1));
    p.user[i] = u;
    p.content[i] = c;
    p.progress[i] = r.progressPct ?? NaN;
    p.rating[i] = r.rating ?? 0;
    p.flags[i] = (r.completed ? 1 : 0) | (r.dismissed ? 2 : 0);
    p.watchCount[i] = r.watchCount;
    p.lastAt[i] = r.lastAt.getTime();
  }
  return p;
}

export function unpackRows(p: PackedRows): InteractionRow[] {
  const out: InteractionRow[] = new Array(p.user.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = {
      userId: p.userIds[p.user[i]],
      contentId: p.contentIds[p.content[i]],
      progressPct: Number.isNaN(p.progress[i]) ? null : p.progress[i],
      completed: (p.flags[i] & 1) !== 0,
      rating: p.rating[i] === 0 ? null : p.rating[i],
      dismissed: (p.flags[i] & 2) !== 0,
      watchCount: p.watchCount[i],
      lastAt: new Date(p.lastAt[i]),
    };
  }
  return out;
}

export interface HyperparameterRequest {
  rows: PackedRows;
  items: ItemMeta[];
  users: UserMeta[];
  options: TrainOptions;
}

/** A worker for the current build: the compiled .js directly, the .ts source through tsx's require hook. */
function startWorker(): Worker {
  const ext = path.extname(__filename);
  const file = path.join(__dirname, `parallel-train-worker${ext}`);
  if (ext === '.js') return new Worker(file);
  const hook = require.resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(hook)}); require(${JSON.stringify(file)});`, { eval: true });
}

/** chooseHyperparameters in a worker thread (the returned promise settles when the worker answers or fails). */
export function chooseHyperparametersInWorker(
  rows: readonly InteractionRow[],
  items: readonly ItemMeta[],
  users: readonly UserMeta[],
  options: TrainOptions = {},
): Promise<Hyperparameters> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = startWorker();
    } catch (err) {
      reject(err);
      return;
    }
    let settled = false;
    worker.once('message', (m: { ok: true; result: Hyperparameters } | { ok: false; error: string }) => {
      settled = true;
      void worker.terminate();
      if (m.ok) resolve(m.result);
      else reject(new Error(`hyperparameter worker: ${m.error}`));
    });
    worker.once('error', (err) => {
      if (!settled) reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`hyperparameter worker exited with code ${code}`));
    });
    const packed = packRows(rows);
    const request: HyperparameterRequest = { rows: packed, items: [...items], users: [...users], options };
    // The columns were allocated here as plain ArrayBuffers: move them instead of copying.
    const buffers = [
      packed.user,
      packed.content,
      packed.progress,
      packed.rating,
      packed.flags,
      packed.watchCount,
      packed.lastAt,
    ].map((a) => a.buffer as ArrayBuffer);
    worker.postMessage(request, buffers);
  });
}

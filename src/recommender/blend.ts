/**
 * The blend: each component's scores are normalised per user (positive part divided by the user's best
 * candidate, so every component lives in [0, 1]), then mixed linearly. Weights are chosen on a validation
 * split by an exhaustive search over a simplex grid (which contains the three single components as corners)
 * maximising mean nDCG@k; if no mixture strictly beats the best single component, that component is used
 * alone — so the chosen blend is never worse than the best single algorithm on that split.
 *
 * All rankings break ties by popularity rank, so titles without any signal fall back to popularity order.
 */
import { idealDcgAtK, type RelevanceSet } from './metrics';
import { topK, TopKHeap } from './topk';
import { COMPONENTS, type BlendWeights, type ComponentName } from './types';

export type WeightVector = readonly [number, number, number];

export const DEFAULT_BLEND_WEIGHTS: BlendWeights = { collaborative: 0.6, content: 0.2, popularity: 0.2 };
export const DEFAULT_GRID_STEP = 0.1;

export function weightVector(w: BlendWeights): [number, number, number] {
  return [w.collaborative, w.content, w.popularity];
}

export function blendWeights(v: WeightVector): BlendWeights {
  return { collaborative: v[0], content: v[1], popularity: v[2] };
}

/**
 * out[i] = raw[i] / max over candidates of raw, for candidates with raw[i] > 0; 0 otherwise
 * (excluded items and non-positive scores carry no signal). Returns the max used (0 if none).
 */
export function normalizePositive(raw: Float64Array, excluded: Uint8Array, out: Float64Array): number {
  let max = 0;
  for (let i = 0; i < raw.length; i++) if (excluded[i] === 0 && raw[i] > max) max = raw[i];
  if (max === 0) {
    out.fill(0);
    return 0;
  }
  const inv = 1 / max;
  for (let i = 0; i < raw.length; i++) out[i] = excluded[i] === 0 && raw[i] > 0 ? raw[i] * inv : 0;
  return max;
}

/**
 * Top-n non-excluded items by blended score (ties: popularity rank), best first. One fused pass: the blended
 * score is computed and compared with the current n-th best before anything is stored.
 */
export function rankBlended(
  norm: readonly Float64Array[],
  w: WeightVector,
  excluded: Uint8Array,
  tieRank: Int32Array,
  n: number,
  scratch: Float64Array = new Float64Array(excluded.length),
): { items: Int32Array; scores: Float64Array } {
  const [a, b, c] = w;
  const x = norm[0];
  const y = norm[1];
  const z = norm[2];
  const heap = new TopKHeap(n, scratch, tieRank);
  for (let i = 0; i < excluded.length; i++) {
    if (excluded[i] !== 0) continue;
    const s = a * x[i] + b * y[i] + c * z[i];
    if (s < heap.floor) continue;
    scratch[i] = s;
    heap.offer(i);
  }
  const items = heap.drain();
  const scores = new Float64Array(items.length);
  for (let r = 0; r < items.length; r++) scores[r] = scratch[items[r]];
  return { items, scores };
}

/** Every weight vector on the simplex whose coordinates are multiples of `step`; the corners come first. */
export function simplexGrid(step = DEFAULT_GRID_STEP): WeightVector[] {
  const m = Math.round(1 / step);
  if (!(m >= 1) || Math.abs(m * step - 1) > 1e-9) throw new Error('grid step must divide 1');
  const corners: WeightVector[] = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  const grid: WeightVector[] = [...corners];
  for (let a = 0; a <= m; a++) {
    for (let b = 0; a + b <= m; b++) {
      const c = m - a - b;
      if (a === m || b === m || c === m) continue;
      grid.push([a / m, b / m, c / m]);
    }
  }
  return grid;
}

export interface GridPoint {
  weights: BlendWeights;
  ndcg: number;
}

export interface BlendSearchResult {
  /** The weights to use. */
  chosen: BlendWeights;
  chosenNdcg: number;
  /** True when a mixture strictly beat every single component. */
  usedBlend: boolean;
  bestSingle: { component: ComponentName; ndcg: number };
  /** Validation nDCG@k of each component alone. */
  single: Record<ComponentName, number>;
  grid: GridPoint[];
  users: number;
  k: number;
}

/**
 * The k-skyband of the non-excluded items: those beaten by fewer than k others, where j beats i when
 * norm_c[j] ≥ norm_c[i] for every component and j wins ties (lower tieRank). A beaten item scores no more
 * than its beater under any non-negative weights — also in floating point, where a·x + b·y + c·z is monotone
 * in each term — and loses the tie, so only skyband items can enter a top k, whatever the weights.
 * Items are visited by decreasing component sum, so every beater of an item is visited before it; checking
 * against skyband members suffices because "beats" is transitive.
 */
export function kSkyband(
  norm: readonly Float64Array[],
  excluded: Uint8Array,
  tieRank: Int32Array,
  k: number,
): Int32Array {
  const [x, y, z] = norm;
  let n = 0;
  for (let i = 0; i < excluded.length; i++) if (excluded[i] === 0) n++;
  const order = new Int32Array(n);
  const sum = new Float64Array(excluded.length);
  n = 0;
  for (let i = 0; i < excluded.length; i++) {
    if (excluded[i] !== 0) continue;
    order[n++] = i;
    sum[i] = x[i] + y[i] + z[i];
  }
  order.sort((i, j) => sum[j] - sum[i] || tieRank[i] - tieRank[j] || i - j);
  const band = new Int32Array(n);
  let size = 0;
  for (let p = 0; p < n; p++) {
    const i = order[p];
    const xi = x[i];
    const yi = y[i];
    const zi = z[i];
    const ti = tieRank[i];
    let beaten = 0;
    for (let s = 0; s < size && beaten < k; s++) {
      const j = band[s];
      const tj = tieRank[j];
      if (x[j] >= xi && y[j] >= yi && z[j] >= zi && (tj < ti || (tj === ti && j < i))) beaten++;
    }
    if (beaten < k) band[size++] = i;
  }
  return band.slice(0, size);
}

/** Streams validation users through every grid point, accumulating nDCG@k sums (no per-user storage). */
export class BlendSearch {
  readonly grid: WeightVector[];
  private readonly sums: Float64Array;
  private fixedSum = 0;
  private users = 0;
  private scratch: Float64Array | null = null;

  constructor(
    readonly k = 10,
    step = DEFAULT_GRID_STEP,
  ) {
    this.grid = simplexGrid(step);
    this.sums = new Float64Array(this.grid.length);
  }

  /**
   * A user whose ranking depends on the weights (per-user normalised component scores). Only the user's
   * k-skyband can reach a top k, so each grid point ranks those few candidates instead of the catalog.
   */
  addUser(
    norm: readonly Float64Array[],
    excluded: Uint8Array,
    tieRank: Int32Array,
    relevant: RelevanceSet<number>,
  ): void {
    const idcg = idealDcgAtK(relevant.size, this.k);
    if (idcg === 0) return;
    this.users++;
    if (!this.scratch || this.scratch.length !== excluded.length)
      this.scratch = new Float64Array(excluded.length);
    const scratch = this.scratch;
    const candidates = kSkyband(norm, excluded, tieRank, this.k);
    const [x, y, z] = norm;
    for (let g = 0; g < this.grid.length; g++) {
      const [a, b, c] = this.grid[g];
      for (let t = 0; t < candidates.length; t++) {
        const i = candidates[t];
        scratch[i] = a * x[i] + b * y[i] + c * z[i];
      }
      const items = topK(scratch, this.k, { candidates, tieRank });
      let dcg = 0;
      for (let r = 0; r < items.length; r++) if (relevant.has(items[r])) dcg += 1 / Math.log2(r + 2);
      this.sums[g] += dcg / idcg;
    }
  }

  /** A user whose ranking does not depend on the weights (e.g. cold start): same nDCG for every grid point. */
  addFixedUser(ndcg: number): void {
    this.users++;
    this.fixedSum += ndcg;
  }

  result(): BlendSearchResult {
    const n = Math.max(1, this.users);
    const total = (g: number): number => this.sums[g] + this.fixedSum;
    // Corners are grid[0..2] in COMPONENTS order.
    let bestSingle = 0;
    for (let c = 1; c < 3; c++) if (total(c) > total(bestSingle)) bestSingle = c;
    let best = 0;
    for (let g = 1; g < this.grid.length; g++) if (total(g) > total(best)) best = g;
    const usedBlend = best >= 3 && total(best) > total(bestSingle);
    const chosen = usedBlend ? best : bestSingle;
    return {
      chosen: blendWeights(this.grid[chosen]),
      chosenNdcg: total(chosen) / n,
      usedBlend,
      bestSingle: { component: COMPONENTS[bestSingle], ndcg: total(bestSingle) / n },
      single: {
        collaborative: total(0) / n,
        content: total(1) / n,
        popularity: total(2) / n,
      },
      grid: this.grid.map((w, g) => ({ weights: blendWeights(w), ndcg: total(g) / n })),
      users: this.users,
      k: this.k,
    };
  }
}

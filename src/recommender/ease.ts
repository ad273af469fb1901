/**
 * EASE — Embarrassingly Shallow Autoencoders (Steck, WWW 2019).
 *
 *   P = (XᵀX + λI)⁻¹,   B = I − P · diagMat(1 / diag(P)),   i.e. B[i][j] = −P[i][j] / P[j][j], B[i][i] = 0.
 *
 * A user's scores are x_u · B, so B[i][j] is how much watching i supports j. Only titles with at least one
 * positive interaction take part (the others would get all-zero rows and columns anyway), which keeps the
 * dense n × n work to the active catalog. The inverse is Cholesky-based and runs over flat Float64Arrays:
 *   1. G + λI = L Lᵀ          (row-oriented dot products, n³/6 multiply-adds)
 *   2. W = L⁻¹               (forward substitution written as row axpys, n³/6)
 *   3. P = Wᵀ W              (dots of rows of Wᵀ, one triangle only, n³/6)
 * about n³/2 multiply-adds in all, four rows at a time.
 */
import type { CollaborativeModel } from './collaborative';
import type { CsrMatrix } from './dataset';
import { topK } from './topk';

export interface EaseOptions {
  /** L2 regularisation λ added to the Gram diagonal (absolute). */
  lambda?: number;
  /** λ relative to the mean Gram diagonal (mean Σ_u x_ui² over active items); used when `lambda` is unset. */
  lambdaScale?: number;
}

/** Default λ = 4 × mean Gram diagonal (the trainer picks the scale on its validation split). */
export const DEFAULT_EASE_LAMBDA_SCALE = 4;

/**
 * Lower triangle (row-major, j ≤ i) of XᵀX restricted to the items with slot[item] ≥ 0.
 * Slots must be increasing in item order (they are: assigned by ascending item index).
 */
export function gramLower(x: CsrMatrix, slot: Int32Array, n: number): Float64Array {
  const g = new Float64Array(n * n);
  const { indptr, indices, values } = x;
  const rowSlots = new Int32Array(x.nCols);
  const rowVals = new Float64Array(x.nCols);
  for (let u = 0; u < x.nRows; u++) {
    let m = 0;
    for (let p = indptr[u]; p < indptr[u + 1]; p++) {
      const s = slot[indices[p]];
      if (s < 0 || values[p] === 0) continue;
      rowSlots[m] = s;
      rowVals[m++] = values[p];
    }
    for (let a = 0; a < m; a++) {
      const base = rowSlots[a] * n;
      const va = rowVals[a];
      for (let b = 0; b <= a; b++) g[base + rowSlots[b]] += va * rowVals[b];
    }
  }
  return g;
}

/** p[i][j0+r] = p[j0+r][i] = s_r for the columns that exist. */
function storeSymmetric(
  p: Float64Array,
  n: number,
  i: number,
  j0: number,
  s0: number,
  s1: number,
  s2: number,
  s3: number,
): void {
  const pi = i * n;
  if (j0 < n) p[pi + j0] = p[j0 * n + i] = s0;
  if (j0 + 1 < n) p[pi + j0 + 1] = p[(j0 + 1) * n + i] = s1;
  if (j0 + 2 < n) p[pi + j0 + 2] = p[(j0 + 2) * n + i] = s2;
  if (j0 + 3 < n) p[pi + j0 + 3] = p[(j0 + 3) * n + i] = s3;
}

/**
 * Inverse of a symmetric positive-definite matrix given by its lower triangle (row-major n × n; the upper
 * triangle is ignored). Returns the full symmetric inverse as a new n × n array; `a` is left untouched.
 * Peak memory: two padded N × N buffers besides `a`.
 *
 * Register-blocked 4 × 2 (or 2 × 4): each streamed row of L (or W, or Wᵀ) feeds several dot products or axpys
 * from registers and cache; unblocked, the three n³/6 phases are bound by loads rather than multiply-adds. The matrix is padded with identity rows to a
 * multiple of 4 (the inverse of diag(A, I) is diag(A⁻¹, I)).
 */
export function invertSpd(a: Float64Array, n: number): Float64Array {
  const N = (n + 3) & ~3;
  const l = new Float64Array(N * N);
  for (let i = 0; i < n; i++) l.set(a.subarray(i * n, i * n + i + 1), i * N);
  for (let i = n; i < N; i++) l[i * N + i] = 1;

  // 1. Cholesky–Banachiewicz, L in the lower triangle of l.
  for (let i0 = 0; i0 < N; i0 += 4) {
    const r0 = i0 * N;
    const r1 = r0 + N;
    const r2 = r1 + N;
    const r3 = r2 + N;
    for (let j = 0; j < i0; j += 2) {
      // Columns j and j+1 of the four rows; L[·][j] feeds column j+1's dot, so it is patched in afterwards.
      const rj = j * N;
      const rk = rj + N;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let k = 0; k < j; k++) {
        const x = l[rj + k];
        const y = l[rk + k];
        const a0 = l[r0 + k];
        const a1 = l[r1 + k];
        const a2 = l[r2 + k];
        const a3 = l[r3 + k];
        s0 += a0 * x;
        s1 += a1 * x;
        s2 += a2 * x;
        s3 += a3 * x;
        t0 += a0 * y;
        t1 += a1 * y;
        t2 += a2 * y;
        t3 += a3 * y;
      }
      const d = l[rj + j];
      const e = l[rk + j + 1];
      const y = l[rk + j];
      const b0 = (l[r0 + j] - s0) / d;
      const b1 = (l[r1 + j] - s1) / d;
      const b2 = (l[r2 + j] - s2) / d;
      const b3 = (l[r3 + j] - s3) / d;
      l[r0 + j] = b0;
      l[r1 + j] = b1;
      l[r2 + j] = b2;
      l[r3 + j] = b3;
      l[r0 + j + 1] = (l[r0 + j + 1] - t0 - b0 * y) / e;
      l[r1 + j + 1] = (l[r1 + j + 1] - t1 - b1 * y) / e;
      l[r2 + j + 1] = (l[r2 + j + 1] - t2 - b2 * y) / e;
      l[r3 + j + 1] = (l[r3 + j + 1] - t3 - b3 * y) / e;
    }
    for (let i = i0; i < i0 + 4; i++) {
      const ri = i * N;
      for (let j = i0; j <= i; j++) {
        const rj = j * N;
        let s = l[ri + j];
        for (let k = 0; k < j; k++) s -= l[ri + k] * l[rj + k];
        if (j < i) {
          l[ri + j] = s / l[rj + j];
        } else {
          if (!(s > 0)) throw new Error(`invertSpd: matrix is not positive definite (pivot ${i} = ${s})`);
          l[ri + i] = Math.sqrt(s);
        }
      }
    }
  }

  // 2. W = L⁻¹ by forward substitution written as row axpys: W[i] = (e_i − Σ_{k<i} L[i][k] · W[k]) / L[i][i].
  const w = new Float64Array(N * N);
  for (let i0 = 0; i0 < N; i0 += 4) {
    const r0 = i0 * N;
    const r1 = r0 + N;
    const r2 = r1 + N;
    const r3 = r2 + N;
    for (let k = 0; k < i0; k += 2) {
      // Rows k and k+1 of W at once (W[k][k+1] is a stored zero, so one loop covers both).
      const rk = k * N;
      const rm = rk + N;
      const c0 = l[r0 + k];
      const c1 = l[r1 + k];
      const c2 = l[r2 + k];
      const c3 = l[r3 + k];
      const d0 = l[r0 + k + 1];
      const d1 = l[r1 + k + 1];
      const d2 = l[r2 + k + 1];
      const d3 = l[r3 + k + 1];
      for (let j = 0; j <= k + 1; j++) {
        const x = w[rk + j];
        const y = w[rm + j];
        w[r0 + j] -= c0 * x + d0 * y;
        w[r1 + j] -= c1 * x + d1 * y;
        w[r2 + j] -= c2 * x + d2 * y;
        w[r3 + j] -= c3 * x + d3 * y;
      }
    }
    for (let i = i0; i < i0 + 4; i++) {
      const ri = i * N;
      for (let k = i0; k < i; k++) {
        const c = l[ri + k];
        const rk = k * N;
        for (let j = 0; j <= k; j++) w[ri + j] -= c * w[rk + j];
      }
      const d = 1 / l[ri + i];
      for (let j = 0; j < i; j++) w[ri + j] *= d;
      w[ri + i] = d;
    }
  }

  // 3. V = Wᵀ (upper triangular, zeros below) into l; P[i][j] = Σ_k V[i][k] · V[j][k], k ≥ max(i, j).
  l.fill(0);
  for (let i = 0; i < N; i++) {
    const ri = i * N;
    for (let j = 0; j <= i; j++) l[j * N + i] = w[ri + j];
  }
  const p = w.subarray(0, n * n); // W is no longer needed: P (row stride n) reuses its memory
  for (let j0 = 0; j0 < N; j0 += 4) {
    const q0 = j0 * N;
    const q1 = q0 + N;
    const q2 = q1 + N;
    const q3 = q2 + N;
    const iEnd = Math.min(j0 + 4, n);
    for (let i = 0; i < iEnd; i += 2) {
      // Rows i and i+1 of V against the four rows of the block (V[i+1][i] is a stored zero).
      const ra = i * N;
      const rb = ra + N;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let k = i > j0 ? i : j0; k < N; k++) {
        const x = l[ra + k];
        const y = l[rb + k];
        const a0 = l[q0 + k];
        const a1 = l[q1 + k];
        const a2 = l[q2 + k];
        const a3 = l[q3 + k];
        s0 += x * a0;
        s1 += x * a1;
        s2 += x * a2;
        s3 += x * a3;
        t0 += y * a0;
        t1 += y * a1;
        t2 += y * a2;
        t3 += y * a3;
      }
      storeSymmetric(p, n, i, j0, s0, s1, s2, s3);
      if (i + 1 < n) storeSymmetric(p, n, i + 1, j0, t0, t1, t2, t3);
    }
  }
  return p;
}

/** B from the (lower-triangular) Gram matrix; adds λ to `gram`'s diagonal in place. */
export function easeFromGram(gram: Float64Array, n: number, lambda: number): Float64Array {
  for (let i = 0; i < n; i++) gram[i * n + i] += lambda;
  // invertSpd copies what it needs, so `gram` is free to be reused by the caller afterwards.
  const b = invertSpd(gram, n); // P
  const invDiag = new Float64Array(n);
  for (let j = 0; j < n; j++) invDiag[j] = 1 / b[j * n + j];
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < n; j++) b[ri + j] = -b[ri + j] * invDiag[j];
    b[ri + i] = 0;
  }
  return b;
}

export class EaseModel implements CollaborativeModel {
  readonly kind = 'ease' as const;
  private readonly scratch: Float64Array;

  constructor(
    readonly nItems: number,
    /** active slot → item index */
    readonly active: Int32Array,
    /** item index → active slot, −1 for titles without positive interactions */
    readonly slot: Int32Array,
    /** nActive × nActive row-major weights */
    readonly b: Float64Array,
    readonly lambda: number,
    /** λ / mean Gram diagonal when λ was given as a scale, null when given as an absolute value. */
    readonly lambdaScale: number | null = null,
  ) {
    this.scratch = new Float64Array(active.length);
  }

  get nActive(): number {
    return this.active.length;
  }

  accumulate(indices: Int32Array, values: Float64Array, start: number, end: number, out: Float64Array): void {
    const n = this.active.length;
    const acc = this.scratch;
    const b = this.b;
    acc.fill(0);
    let touched = false;
    for (let p = start; p < end; p++) {
      const s = this.slot[indices[p]];
      const v = values[p];
      if (s < 0 || v === 0) continue;
      touched = true;
      const row = s * n;
      for (let j = 0; j < n; j++) acc[j] += v * b[row + j];
    }
    if (!touched) return;
    for (let j = 0; j < n; j++) out[this.active[j]] += acc[j];
  }

  weight(from: number, to: number): number {
    const a = this.slot[from];
    const c = this.slot[to];
    return a < 0 || c < 0 ? 0 : this.b[a * this.active.length + c];
  }

  neighbors(from: number, k: number): { items: Int32Array; weights: Float64Array } {
    const a = this.slot[from];
    if (a < 0) return { items: new Int32Array(0), weights: new Float64Array(0) };
    const n = this.active.length;
    const row = this.b.slice(a * n, a * n + n);
    for (let j = 0; j < n; j++) if (row[j] === 0) row[j] = NaN; // drops the diagonal and exact zeros
    const best = topK(row, k);
    const items = new Int32Array(best.length);
    const weights = new Float64Array(best.length);
    for (let p = 0; p < best.length; p++) {
      items[p] = this.active[best[p]];
      weights[p] = row[best[p]];
    }
    return { items, weights };
  }
}

/** Fits EASE on a users × items matrix of positive weights. */
export function fitEase(x: CsrMatrix, options: EaseOptions = {}): EaseModel {
  const positive = new Uint8Array(x.nCols);
  for (let p = 0; p < x.indices.length; p++) if (x.values[p] > 0) positive[x.indices[p]] = 1;
  const slot = new Int32Array(x.nCols).fill(-1);
  const activeList: number[] = [];
  for (let i = 0; i < x.nCols; i++) {
    if (positive[i] === 0) continue;
    slot[i] = activeList.length;
    activeList.push(i);
  }
  const n = activeList.length;
  const gram = gramLower(x, slot, n);
  const lambdaScale =
    options.lambda === undefined ? (options.lambdaScale ?? DEFAULT_EASE_LAMBDA_SCALE) : null;
  let lambda: number;
  if (lambdaScale === null) {
    lambda = options.lambda as number;
  } else {
    let trace = 0;
    for (let i = 0; i < n; i++) trace += gram[i * n + i];
    lambda = lambdaScale * (n > 0 ? trace / n : 1);
  }
  if (!(lambda > 0)) throw new Error('EASE lambda must be > 0');
  const b = easeFromGram(gram, n, lambda);
  return new EaseModel(x.nCols, Int32Array.from(activeList), slot, b, lambda, lambdaScale);
}

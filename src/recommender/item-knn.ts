/**
 * Sparse item-kNN: cosine similarity with shrinkage, sim(i, j) = Σ_u x_ui·x_uj / (‖x_i‖·‖x_j‖ + shrink),
 * keeping the top-k neighbours of every item. Co-occurrences are accumulated through the inverted index
 * (item → users → items), so the cost is Σ_u |items of u|², never the dense n × n matrix: this is the
 * collaborative model for catalogs beyond the EASE limit.
 */
import type { CollaborativeModel } from './collaborative';
import type { CsrMatrix } from './dataset';
import { topK } from './topk';

export interface ItemKnnOptions {
  /** Neighbours kept per item. */
  k?: number;
  /** Shrinkage added to the cosine denominator (damps similarities supported by few users). */
  shrink?: number;
}

export const DEFAULT_KNN_K = 100;
export const DEFAULT_KNN_SHRINK = 10;

export class ItemKnnModel implements CollaborativeModel {
  readonly kind = 'item-knn' as const;

  /** `graph` is an items × items CSR whose row i holds i's top-k neighbours, strongest first. */
  constructor(readonly graph: CsrMatrix) {}

  get nItems(): number {
    return this.graph.nRows;
  }

  accumulate(indices: Int32Array, values: Float64Array, start: number, end: number, out: Float64Array): void {
    const { indptr, indices: nbr, values: sim } = this.graph;
    for (let p = start; p < end; p++) {
      const v = values[p];
      if (v === 0) continue;
      const i = indices[p];
      for (let q = indptr[i]; q < indptr[i + 1]; q++) out[nbr[q]] += v * sim[q];
    }
  }

  weight(from: number, to: number): number {
    const { indptr, indices, values } = this.graph;
    for (let q = indptr[from]; q < indptr[from + 1]; q++) if (indices[q] === to) return values[q];
    return 0;
  }

  neighbors(from: number, k: number): { items: Int32Array; weights: Float64Array } {
    const { indptr, indices, values } = this.graph;
    const end = Math.min(indptr[from + 1], indptr[from] + k);
    return { items: indices.slice(indptr[from], end), weights: values.slice(indptr[from], end) };
  }
}

/**
 * @param x  users × items, positive weights
 * @param xt its transpose (items × users)
 */
export function fitItemKnn(x: CsrMatrix, xt: CsrMatrix, options: ItemKnnOptions = {}): ItemKnnModel {
  const k = options.k ?? DEFAULT_KNN_K;
  const shrink = options.shrink ?? DEFAULT_KNN_SHRINK;
  const n = x.nCols;
  const norm = new Float64Array(n);
  for (let p = 0; p < x.values.length; p++) norm[x.indices[p]] += x.values[p] * x.values[p];
  for (let i = 0; i < n; i++) norm[i] = Math.sqrt(norm[i]);

  const acc = new Float64Array(n);
  const mark = new Uint8Array(n);
  const touched = new Int32Array(n);
  const indptr = new Int32Array(n + 1);
  const rowsIdx: Int32Array[] = [];
  const rowsSim: Float64Array[] = [];
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    let nTouched = 0;
    for (let p = xt.indptr[i]; p < xt.indptr[i + 1]; p++) {
      const u = xt.indices[p];
      const xi = xt.values[p];
      for (let q = x.indptr[u]; q < x.indptr[u + 1]; q++) {
        const j = x.indices[q];
        if (j === i) continue;
        if (mark[j] === 0) {
          mark[j] = 1;
          touched[nTouched++] = j;
        }
        acc[j] += xi * x.values[q];
      }
    }
    for (let t = 0; t < nTouched; t++) {
      const j = touched[t];
      acc[j] = acc[j] / (norm[i] * norm[j] + shrink);
    }
    const best = topK(acc, k, { candidates: touched, candidateCount: nTouched, above: 0 });
    const sims = new Float64Array(best.length);
    for (let t = 0; t < best.length; t++) sims[t] = acc[best[t]];
    rowsIdx.push(best);
    rowsSim.push(sims);
    nnz += best.length;
    indptr[i + 1] = nnz;
    for (let t = 0; t < nTouched; t++) {
      acc[touched[t]] = 0;
      mark[touched[t]] = 0;
    }
  }
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  for (let i = 0; i < n; i++) {
    indices.set(rowsIdx[i], indptr[i]);
    values.set(rowsSim[i], indptr[i]);
  }
  return new ItemKnnModel({ nRows: n, nCols: n, indptr, indices, values });
}

/**
 * Users with the most similar taste: cosine over positive interaction vectors weighted by inverse user
 * frequency (sharing a niche title says more than sharing a blockbuster), found through the item → users
 * inverted index (only users sharing at least one title are ever touched), with the titles they share.
 */
import { transpose, positivePart, type CsrMatrix, type Dataset } from './dataset';
import { topK } from './topk';

export interface SimilarUser {
  userId: string;
  score: number;
  /** Titles both liked, strongest shared evidence first. */
  shared: string[];
}

export interface SimilarUsersOptions {
  /** Neighbours per user (default 20). */
  k?: number;
  /** Shared titles listed per neighbour (default 10). */
  maxShared?: number;
  /** Minimum number of shared titles for a neighbour to count (default 2). */
  minShared?: number;
  /** Titles with more users than this are skipped as evidence (cost control; default: no limit). */
  maxItemUsers?: number;
}

export interface SimilarUsersIndex {
  readonly ds: Dataset;
  /** users × items: positive weight × IUF. */
  readonly x: CsrMatrix;
  readonly xt: CsrMatrix;
  readonly norms: Float64Array;
}

export function buildSimilarUsersIndex(ds: Dataset): SimilarUsersIndex {
  const pos = positivePart(ds.interactions);
  const df = new Int32Array(pos.nCols);
  for (let p = 0; p < pos.indices.length; p++) df[pos.indices[p]]++;
  const nUsers = Math.max(1, pos.nRows);
  const values = new Float64Array(pos.values.length);
  for (let p = 0; p < values.length; p++)
    values[p] = pos.values[p] * Math.log(1 + nUsers / df[pos.indices[p]]);
  const x: CsrMatrix = { ...pos, values };
  const norms = new Float64Array(x.nRows);
  for (let u = 0; u < x.nRows; u++) {
    let s = 0;
    for (let p = x.indptr[u]; p < x.indptr[u + 1]; p++) s += values[p] * values[p];
    norms[u] = Math.sqrt(s);
  }
  return { ds, x, xt: transpose(x), norms };
}

/** Titles liked by both users, ordered by the product of their weights. */
function sharedTitles(index: SimilarUsersIndex, u: number, v: number, max: number): string[] {
  const { x, ds } = index;
  const found: { item: number; w: number }[] = [];
  let p = x.indptr[u];
  let q = x.indptr[v];
  const pe = x.indptr[u + 1];
  const qe = x.indptr[v + 1];
  while (p < pe && q < qe) {
    const a = x.indices[p];
    const b = x.indices[q];
    if (a === b) {
      found.push({ item: a, w: x.values[p] * x.values[q] });
      p++;
      q++;
    } else if (a < b) p++;
    else q++;
  }
  found.sort((s, t) => t.w - s.w || s.item - t.item);
  return found.slice(0, max).map((f) => ds.itemIds[f.item]);
}

/** Scratch buffers reused across users. */
export class SimilarUsersFinder {
  private readonly acc: Float64Array;
  private readonly count: Int32Array;
  private readonly touched: Int32Array;

  constructor(
    readonly index: SimilarUsersIndex,
    readonly options: SimilarUsersOptions = {},
  ) {
    const n = index.x.nRows;
    this.acc = new Float64Array(n);
    this.count = new Int32Array(n);
    this.touched = new Int32Array(n);
  }

  find(u: number): SimilarUser[] {
    const { x, xt, norms, ds } = this.index;
    const k = this.options.k ?? 20;
    const minShared = this.options.minShared ?? 2;
    const maxItemUsers = this.options.maxItemUsers ?? Infinity;
    const { acc, count, touched } = this;
    if (norms[u] === 0) return [];
    let nTouched = 0;
    for (let p = x.indptr[u]; p < x.indptr[u + 1]; p++) {
      const i = x.indices[p];
      const a = x.values[p];
      if (xt.indptr[i + 1] - xt.indptr[i] > maxItemUsers) continue;
      for (let q = xt.indptr[i]; q < xt.indptr[i + 1]; q++) {
        const v = xt.indices[q];
        if (v === u) continue;
        if (count[v] === 0) touched[nTouched++] = v;
        count[v]++;
        acc[v] += a * xt.values[q];
      }
    }
    for (let t = 0; t < nTouched; t++) {
      const v = touched[t];
      acc[v] = count[v] >= minShared ? acc[v] / (norms[u] * norms[v]) : 0;
    }
    const best = topK(acc, k, { candidates: touched, candidateCount: nTouched, above: 0 });
    const out = Array.from(best, (v) => ({
      userId: ds.userIds[v],
      score: acc[v],
      shared: sharedTitles(this.index, u, v, this.options.maxShared ?? 10),
    }));
    for (let t = 0; t < nTouched; t++) {
      acc[touched[t]] = 0;
      count[touched[t]] = 0;
    }
    return out;
  }
}

/** Similar users of every user with positive history (users without any are left out). */
export function similarUsers(ds: Dataset, options: SimilarUsersOptions = {}): Map<string, SimilarUser[]> {
  const finder = new SimilarUsersFinder(buildSimilarUsersIndex(ds), options);
  const out = new Map<string, SimilarUser[]>();
  for (let u = 0; u < ds.userIds.length; u++) {
    const list = finder.find(u);
    if (list.length > 0) out.set(ds.userIds[u], list);
  }
  return out;
}

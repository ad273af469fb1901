/**
 * Ranking metrics at a cutoff k with binary relevance. `relevant` is anything with `has` and `size`
 * (a Set, or a MaskSet over typed item indices); `size` is the number of relevant items for the user,
 * including ones the ranker could never return.
 *
 *   DCG@k  = Σ_{r ≤ k} rel_r / log2(r + 1),   nDCG@k = DCG@k / IDCG@k (IDCG: min(|rel|, k) hits on top)
 *   P@k    = hits in top k / k
 *   R@k    = hits in top k / |rel|
 *   AP@k   = Σ_{r ≤ k, rel_r} P@r / min(|rel|, k)          (MAP@k = mean over users)
 */

export interface RelevanceSet<T> {
  has(item: T): boolean;
  readonly size: number;
}

/** A RelevanceSet over small integer ids backed by a byte mask (reusable: set, use, clear). */
export class MaskSet implements RelevanceSet<number> {
  private readonly mask: Uint8Array;
  private readonly members: number[] = [];
  size = 0;

  constructor(capacity: number) {
    this.mask = new Uint8Array(capacity);
  }

  /** Adds an id; ids outside [0, capacity) still count towards `size` but can never be hit. */
  add(id: number): void {
    if (id >= 0 && id < this.mask.length) {
      if (this.mask[id] !== 0) return;
      this.mask[id] = 1;
      this.members.push(id);
    }
    this.size++;
  }

  has(id: number): boolean {
    return id >= 0 && id < this.mask.length && this.mask[id] !== 0;
  }

  clear(): void {
    for (const id of this.members) this.mask[id] = 0;
    this.members.length = 0;
    this.size = 0;
  }
}

export function dcgAtK<T>(ranked: ArrayLike<T>, relevant: RelevanceSet<T>, k: number): number {
  let dcg = 0;
  const n = Math.min(k, ranked.length);
  for (let r = 0; r < n; r++) if (relevant.has(ranked[r])) dcg += 1 / Math.log2(r + 2);
  return dcg;
}

export function idealDcgAtK(relevantCount: number, k: number): number {
  let idcg = 0;
  const n = Math.min(k, relevantCount);
  for (let r = 0; r < n; r++) idcg += 1 / Math.log2(r + 2);
  return idcg;
}

export function ndcgAtK<T>(ranked: ArrayLike<T>, relevant: RelevanceSet<T>, k: number): number {
  const idcg = idealDcgAtK(relevant.size, k);
  return idcg === 0 ? 0 : dcgAtK(ranked, relevant, k) / idcg;
}

function hitsAtK<T>(ranked: ArrayLike<T>, relevant: RelevanceSet<T>, k: number): number {
  let hits = 0;
  const n = Math.min(k, ranked.length);
  for (let r = 0; r < n; r++) if (relevant.has(ranked[r])) hits++;
  return hits;
}

export function precisionAtK<T>(ranked: ArrayLike<T>, relevant: RelevanceSet<T>, k: number): number {
  return k <= 0 ? 0 : hitsAtK(ranked, relevant, k) / k;
}

export function recallAtK<T>(ranked: ArrayLike<T>, relevant: RelevanceSet<T>, k: number): number {
  return relevant.size === 0 ? 0 : hitsAtK(ranked, relevant, k) / relevant.size;
}

export function averagePrecisionAtK<T>(ranked: ArrayLike<T>, relevant: RelevanceSet<T>, k: number): number {
  const denom = Math.min(relevant.size, k);
  if (denom === 0) return 0;
  let hits = 0;
  let sum = 0;
  const n = Math.min(k, ranked.length);
  for (let r = 0; r < n; r++) {
    if (relevant.has(ranked[r])) {
      hits++;
      sum += hits / (r + 1);
    }
  }
  return sum / denom;
}

export interface RankingMetrics {
  ndcg: number;
  precision: number;
  recall: number;
  map: number;
}

export function rankingMetrics<T>(
  ranked: ArrayLike<T>,
  relevant: RelevanceSet<T>,
  k: number,
): RankingMetrics {
  return {
    ndcg: ndcgAtK(ranked, relevant, k),
    precision: precisionAtK(ranked, relevant, k),
    recall: recallAtK(ranked, relevant, k),
    map: averagePrecisionAtK(ranked, relevant, k),
  };
}

/** Running mean of RankingMetrics over users. */
export class MetricsAccumulator {
  users = 0;
  private readonly sum: RankingMetrics = { ndcg: 0, precision: 0, recall: 0, map: 0 };

  add(m: RankingMetrics): void {
    this.users++;
    this.sum.ndcg += m.ndcg;
    this.sum.precision += m.precision;
    this.sum.recall += m.recall;
    this.sum.map += m.map;
  }

  mean(): RankingMetrics {
    const n = Math.max(1, this.users);
    return {
      ndcg: this.sum.ndcg / n,
      precision: this.sum.precision / n,
      recall: this.sum.recall / n,
      map: this.sum.map / n,
    };
  }
}

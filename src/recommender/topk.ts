/**
 * Top-k selection with a bounded binary heap (O(n log k); a rejected item costs one compare against `floor`).
 * Order: higher score first; ties go to the lower `tieRank` (e.g. popularity rank), then the lower index,
 * so every ranking in the recommender is deterministic.
 */

/** a ranks after b. */
function worse(score: Float64Array, tieRank: Int32Array | undefined, a: number, b: number): boolean {
  const sa = score[a];
  const sb = score[b];
  if (sa !== sb) return sa < sb;
  if (tieRank !== undefined) {
    const ra = tieRank[a];
    const rb = tieRank[b];
    if (ra !== rb) return ra > rb;
  }
  return a > b;
}

/**
 * Keeps the best k item indices offered, judged by `score[i]` at offer time (the score of an item must not
 * change while it is in the heap). The root is the worst kept item.
 */
export class TopKHeap {
  private readonly heap: Int32Array;
  private size = 0;
  /** Once full, the worst kept score: an offer with a strictly lower score can be skipped by the caller. */
  floor = -Infinity;

  constructor(
    readonly k: number,
    private readonly score: Float64Array,
    private readonly tieRank?: Int32Array,
  ) {
    this.heap = new Int32Array(Math.max(0, k));
  }

  offer(i: number): void {
    const { heap, score, tieRank } = this;
    const cap = heap.length;
    if (cap === 0) return;
    if (this.size < cap) {
      let p = this.size++;
      while (p > 0) {
        const parent = (p - 1) >> 1;
        if (!worse(score, tieRank, i, heap[parent])) break;
        heap[p] = heap[parent];
        p = parent;
      }
      heap[p] = i;
      if (this.size === cap) this.floor = score[heap[0]];
    } else if (worse(score, tieRank, heap[0], i)) {
      heap[0] = i;
      this.siftDown(this.size);
      this.floor = score[heap[0]];
    }
  }

  private siftDown(size: number): void {
    const { heap, score, tieRank } = this;
    let p = 0;
    const x = heap[0];
    for (;;) {
      let c = 2 * p + 1;
      if (c >= size) break;
      if (c + 1 < size && worse(score, tieRank, heap[c + 1], heap[c])) c++;
      if (!worse(score, tieRank, heap[c], x)) break;
      heap[p] = heap[c];
      p = c;
    }
    heap[p] = x;
  }

  /** The kept items, best first (empties the heap). */
  drain(): Int32Array {
    const out = new Int32Array(this.size);
    for (let p = this.size - 1; p >= 0; p--) {
      out[p] = this.heap[0];
      this.heap[0] = this.heap[--this.size];
      this.siftDown(this.size);
    }
    this.floor = -Infinity;
    return out;
  }
}

export interface TopKOptions {
  /** Entries with skip[i] !== 0 are never selected. */
  skip?: Uint8Array;
  /** Tie-break: lower is better. Defaults to the index itself. */
  tieRank?: Int32Array;
  /** Only these indices are considered (first `candidateCount` of them). */
  candidates?: ArrayLike<number>;
  candidateCount?: number;
  /** Only scores strictly greater than this are selected (default: -Infinity, i.e. every finite score). */
  above?: number;
}

export function topK(score: Float64Array, k: number, options: TopKOptions = {}): Int32Array {
  const { skip, candidates } = options;
  const above = options.above ?? -Infinity;
  const heap = new TopKHeap(k, score, options.tieRank);
  if (candidates) {
    const count = options.candidateCount ?? candidates.length;
    for (let c = 0; c < count; c++) {
      const i = candidates[c];
      const s = score[i];
      if (!(s > above) || s < heap.floor || (skip !== undefined && skip[i] !== 0)) continue; // drops NaN too
      heap.offer(i);
    }
  } else {
    for (let i = 0; i < score.length; i++) {
      const s = score[i];
      if (!(s > above) || s < heap.floor || (skip !== undefined && skip[i] !== 0)) continue;
      heap.offer(i);
    }
  }
  return heap.drain();
}

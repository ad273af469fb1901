/**
 * "The collaborative model": EASE for catalogs up to `easeMaxItems` active titles, sparse item-kNN beyond.
 * Both expose the same item → item weights, so scoring, reasons and the persisted neighbour lists
 * (`content_neighbors`) do not care which one was trained.
 */
import type { CsrMatrix, Dataset } from './dataset';
import { positivePart, transpose } from './dataset';
import { fitEase, type EaseOptions } from './ease';
import { fitItemKnn, type ItemKnnOptions } from './item-knn';
import type { Neighbor } from './types';

export interface CollaborativeModel {
  readonly kind: 'ease' | 'item-knn';
  readonly nItems: number;
  /** out[j] += Σ_p values[p] · weight(indices[p] → j) for p in [start, end). */
  accumulate(indices: Int32Array, values: Float64Array, start: number, end: number, out: Float64Array): void;
  /** How much watching `from` supports `to` (0 when unrelated). */
  weight(from: number, to: number): number;
  /** The k strongest non-zero weights out of `from`, strongest first. */
  neighbors(from: number, k: number): { items: Int32Array; weights: Float64Array };
}

export type CollaborativeKind = 'auto' | 'ease' | 'item-knn';

export interface CollaborativeOptions {
  kind?: CollaborativeKind;
  /** EASE is used while the number of titles with positive interactions is at most this. */
  easeMaxItems?: number;
  ease?: EaseOptions;
  knn?: ItemKnnOptions;
}

export const DEFAULT_EASE_MAX_ITEMS = 3000;

/** Number of items with at least one positive interaction. */
export function activeItemCount(x: CsrMatrix): number {
  const seen = new Uint8Array(x.nCols);
  let count = 0;
  for (let p = 0; p < x.indices.length; p++) {
    if (x.values[p] > 0 && seen[x.indices[p]] === 0) {
      seen[x.indices[p]] = 1;
      count++;
    }
  }
  return count;
}

export function fitCollaborative(ds: Dataset, options: CollaborativeOptions = {}): CollaborativeModel {
  const x = positivePart(ds.interactions);
  const kind = options.kind ?? 'auto';
  const useEase =
    kind === 'ease' ||
    (kind === 'auto' && activeItemCount(x) <= (options.easeMaxItems ?? DEFAULT_EASE_MAX_ITEMS));
  return useEase ? fitEase(x, options.ease) : fitItemKnn(x, transpose(x), options.knn);
}

/** Per-title neighbour lists to persist (content_id → top k (neighbor, weight)). */
export function neighborLists(
  model: CollaborativeModel,
  itemIds: readonly string[],
  k = 100,
): Map<string, Neighbor[]> {
  const lists = new Map<string, Neighbor[]>();
  for (let i = 0; i < model.nItems; i++) {
    const { items, weights } = model.neighbors(i, k);
    if (items.length === 0) continue;
    const list: Neighbor[] = new Array(items.length);
    for (let p = 0; p < items.length; p++) list[p] = { contentId: itemIds[items[p]], weight: weights[p] };
    lists.set(itemIds[i], list);
  }
  return lists;
}

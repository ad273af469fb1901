/**
 * Recency-weighted popularity, overall and per genre: Σ over users of max(weight, 0) · 2^(−age / halfLife),
 * age measured from `now` (default: the most recent interaction in the data, so results are reproducible).
 * The same lists feed the fill-up of every recommendation list, cold-start users and top-picks leaderboards.
 */
import { normalizeLabel } from './content-based';
import { buildDataset, type Dataset } from './dataset';
import type { InteractionRow, ItemMeta } from './types';

export interface PopularityOptions {
  halfLifeDays?: number;
  now?: Date;
}

export const DEFAULT_POPULARITY_HALF_LIFE_DAYS = 30;
const DAY_MS = 86_400_000;

export interface PopularItem {
  contentId: string;
  genre: string;
  score: number;
}

export interface Popularity {
  /** Every known title, most popular first (ties by contentId). */
  readonly overall: readonly PopularItem[];
  /** normalised genre → its titles, most popular first. */
  readonly byGenre: ReadonlyMap<string, readonly PopularItem[]>;
}

/** Dense recency-weighted popularity by dataset item index. */
export function datasetPopularityScores(ds: Dataset, options: PopularityOptions = {}): Float64Array {
  const halfLifeMs = (options.halfLifeDays ?? DEFAULT_POPULARITY_HALF_LIFE_DAYS) * DAY_MS;
  let now = options.now?.getTime() ?? -Infinity;
  if (options.now === undefined)
    for (let p = 0; p < ds.lastAtMs.length; p++) now = Math.max(now, ds.lastAtMs[p]);
  const scores = new Float64Array(ds.itemIds.length);
  const { indices, values } = ds.interactions;
  for (let p = 0; p < indices.length; p++) {
    const w = values[p];
    if (w <= 0) continue;
    const age = Math.max(0, now - ds.lastAtMs[p]);
    scores[indices[p]] += w * Math.pow(2, -age / halfLifeMs);
  }
  return scores;
}

export function popularityFromScores(
  itemIds: readonly string[],
  itemMeta: readonly (ItemMeta | undefined)[],
  scores: Float64Array,
): Popularity {
  const order = Array.from(itemIds.keys()).sort(
    (a, b) => scores[b] - scores[a] || (itemIds[a] < itemIds[b] ? -1 : itemIds[a] > itemIds[b] ? 1 : 0),
  );
  const overall: PopularItem[] = [];
  const byGenre = new Map<string, PopularItem[]>();
  for (const i of order) {
    const genre = itemMeta[i]?.genre ?? '';
    const entry: PopularItem = { contentId: itemIds[i], genre, score: scores[i] };
    overall.push(entry);
    if (!genre) continue;
    const key = normalizeLabel(genre);
    let list = byGenre.get(key);
    if (!list) byGenre.set(key, (list = []));
    list.push(entry);
  }
  return { overall, byGenre };
}

export function datasetPopularity(ds: Dataset, options: PopularityOptions = {}): Popularity {
  return popularityFromScores(ds.itemIds, ds.itemMeta, datasetPopularityScores(ds, options));
}

/** Popularity straight from rows (every catalog title is listed, unseen ones with score 0). */
export function computePopularity(
  rows: Iterable<InteractionRow>,
  items: readonly ItemMeta[],
  options: PopularityOptions = {},
): Popularity {
  return datasetPopularity(buildDataset(rows, items), options);
}

/** Leaderboard of a scope: 'ALL' or a genre (case-insensitive). */
export function topPicks(popularity: Popularity, scope: string, k: number): PopularItem[] {
  const list = scope === 'ALL' ? popularity.overall : (popularity.byGenre.get(normalizeLabel(scope)) ?? []);
  return list.slice(0, k);
}

/**
 * Dense score and rank vectors over an item index space (rank 0 = most popular; titles the popularity
 * lists do not know rank after all known ones, by index).
 */
export function popularityVectors(
  popularity: Popularity,
  itemIndex: ReadonlyMap<string, number>,
  nItems: number,
): { score: Float64Array; rank: Int32Array } {
  const score = new Float64Array(nItems);
  const rank = new Int32Array(nItems).fill(-1);
  let r = 0;
  for (const entry of popularity.overall) {
    const i = itemIndex.get(entry.contentId);
    if (i === undefined || rank[i] >= 0) continue;
    score[i] = entry.score;
    rank[i] = r++;
  }
  for (let i = 0; i < nItems; i++) if (rank[i] < 0) rank[i] = r++;
  return { score, rank };
}

/**
 * From interaction rows to dense integer ids and sparse CSR matrices in typed arrays.
 *
 * The user × item matrix stores one signed implicit-feedback weight per (user, title) row; parallel per-entry
 * arrays keep what the other scorers need (rating, flags, recency) without any per-element objects.
 */
import type { InteractionRow, ItemMeta, UserMeta } from './types';

/** Compressed sparse rows. Row r holds columns indices[indptr[r] .. indptr[r+1]) in ascending order. */
export interface CsrMatrix {
  readonly nRows: number;
  readonly nCols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

/** Per-entry flag bits (Dataset.flags). */
export const FLAG_COMPLETED = 1;
export const FLAG_DISMISSED = 2;
/** The title must never be recommended to this user (finished, rated, dismissed or in progress). */
export const FLAG_EXCLUDED = 4;
/** The interaction counts as a hit when it is held out for evaluation. */
export const FLAG_RELEVANT = 8;

export interface Dataset {
  readonly userIds: readonly string[];
  readonly itemIds: readonly string[];
  readonly userIndex: ReadonlyMap<string, number>;
  readonly itemIndex: ReadonlyMap<string, number>;
  /** users × items, values = interactionWeight (negative for dismissals and bad ratings, 0 = no signal). */
  readonly interactions: CsrMatrix;
  /** Parallel to interactions.indices: rating 1–5, 0 when unrated. */
  readonly rating: Int8Array;
  /** Parallel to interactions.indices: FLAG_* bits. */
  readonly flags: Uint8Array;
  /** Parallel to interactions.indices: lastAt in epoch milliseconds. */
  readonly lastAtMs: Float64Array;
  /** Metadata by item index (undefined for titles seen in rows but absent from the catalog given). */
  readonly itemMeta: readonly (ItemMeta | undefined)[];
  /** Declared preferred genres by user index. */
  readonly preferredGenres: readonly (readonly string[])[];
}

export interface WeightingOptions {
  /** Weight of a dismissed title (dismissal overrides everything else). */
  dismissed: number;
  /** Engagement of a started title is minStarted + (maxStarted − minStarted) · progress. */
  minStarted: number;
  maxStarted: number;
  /** Engagement when only a rating is known (no progress, not completed). */
  ratedOnly: number;
  /** Multiplier by rating 1..5 (index 0 unused). Rating 1 turns the weight negative. */
  ratingFactor: readonly number[];
  /** Bonus per extra viewing, capped. */
  rewatchBonus: number;
  maxRewatchBonus: number;
}

export const DEFAULT_WEIGHTING: WeightingOptions = {
  dismissed: -1,
  minStarted: 0.2,
  maxStarted: 0.8,
  ratedOnly: 0.8,
  ratingFactor: [1, -0.5, 0.3, 0.9, 1.3, 1.6],
  rewatchBonus: 0.1,
  maxRewatchBonus: 0.3,
};

function clampRating(rating: number | null): number {
  if (rating === null || !Number.isFinite(rating)) return 0;
  return Math.min(5, Math.max(1, Math.round(rating)));
}

/**
 * Implicit-feedback weight of one interaction: completion (or progress) is the engagement, a 4–5 rating
 * boosts it, a 2 shrinks it, a 1 turns it negative, re-watching adds a little, and a dismissal is negative.
 * 0 means "touched but no signal" (no progress, no rating, never watched).
 */
export function interactionWeight(
  row: Pick<InteractionRow, 'progressPct' | 'completed' | 'rating' | 'dismissed' | 'watchCount'>,
  w: WeightingOptions = DEFAULT_WEIGHTING,
): number {
  if (row.dismissed) return w.dismissed;
  const rating = clampRating(row.rating);
  const progress = Math.min(1, Math.max(0, (row.progressPct ?? 0) / 100));
  let engagement: number;
  if (row.completed) engagement = 1;
  else if (progress > 0) engagement = w.minStarted + (w.maxStarted - w.minStarted) * progress;
  else if (rating > 0) engagement = w.ratedOnly;
  else if (row.watchCount > 0) engagement = w.minStarted;
  else return 0;
  let weight = engagement * w.ratingFactor[rating];
  if (weight > 0 && row.watchCount > 1) {
    weight += Math.min(w.maxRewatchBonus, w.rewatchBonus * (row.watchCount - 1));
  }
  return weight;
}

/** Finished, rated, dismissed or in progress (in-progress titles belong to continue-watching). */
export function isExcludedFromRecommendations(
  row: Pick<InteractionRow, 'progressPct' | 'completed' | 'rating' | 'dismissed' | 'watchCount'>,
): boolean {
  return (
    row.completed || row.dismissed || row.rating !== null || (row.progressPct ?? 0) > 0 || row.watchCount > 0
  );
}

/** A held-out interaction the user evidently liked: finished, rated 4–5 or watched at least half, not rejected. */
export function isRelevant(
  row: Pick<InteractionRow, 'progressPct' | 'completed' | 'rating' | 'dismissed'>,
): boolean {
  if (row.dismissed) return false;
  if (row.rating !== null && row.rating <= 2) return false;
  return row.completed || (row.rating ?? 0) >= 4 || (row.progressPct ?? 0) >= 50;
}

export function rowFlags(row: InteractionRow): number {
  return (
    (row.completed ? FLAG_COMPLETED : 0) |
    (row.dismissed ? FLAG_DISMISSED : 0) |
    (isExcludedFromRecommendations(row) ? FLAG_EXCLUDED : 0) |
    (isRelevant(row) ? FLAG_RELEVANT : 0)
  );
}

/** Stable counting sort: returns `order` permuted so that key[order[..]] ascends. */
function countingSortBy(order: Int32Array, key: Int32Array, nKeys: number): Int32Array {
  const count = new Int32Array(nKeys + 1);
  for (let p = 0; p < order.length; p++) count[key[order[p]] + 1]++;
  for (let k = 0; k < nKeys; k++) count[k + 1] += count[k];
  const out = new Int32Array(order.length);
  for (let p = 0; p < order.length; p++) out[count[key[order[p]]]++] = order[p];
  return out;
}

export interface BuildDatasetOptions {
  weighting?: WeightingOptions;
}

/**
 * Indexes users and items (catalog items first, in the order given, then unknown ids from the rows; users from
 * `users` first, then from the rows) and builds the CSR user × item matrix. Duplicate (user, item) rows keep
 * the most recent one.
 */
export function buildDataset(
  rows: Iterable<InteractionRow>,
  items: readonly ItemMeta[] = [],
  users: readonly UserMeta[] = [],
  options: BuildDatasetOptions = {},
): Dataset {
  const weighting = options.weighting ?? DEFAULT_WEIGHTING;
  const itemIds: string[] = [];
  const itemIndex = new Map<string, number>();
  const itemMeta: (ItemMeta | undefined)[] = [];
  for (const m of items) {
    if (itemIndex.has(m.contentId)) continue;
    itemIndex.set(m.contentId, itemIds.length);
    itemIds.push(m.contentId);
    itemMeta.push(m);
  }
  const userIds: string[] = [];
  const userIndex = new Map<string, number>();
  const preferredGenres: (readonly string[])[] = [];
  for (const u of users) {
    if (userIndex.has(u.userId)) continue;
    userIndex.set(u.userId, userIds.length);
    userIds.push(u.userId);
    preferredGenres.push(u.preferredGenres);
  }

  const us: number[] = [];
  const is: number[] = [];
  const ws: number[] = [];
  const rs: number[] = [];
  const fs: number[] = [];
  const ts: number[] = [];
  for (const row of rows) {
    let u = userIndex.get(row.userId);
    if (u === undefined) {
      u = userIds.length;
      userIndex.set(row.userId, u);
      userIds.push(row.userId);
      preferredGenres.push([]);
    }
    let i = itemIndex.get(row.contentId);
    if (i === undefined) {
      i = itemIds.length;
      itemIndex.set(row.contentId, i);
      itemIds.push(row.contentId);
      itemMeta.push(undefined);
    }
    us.push(u);
    is.push(i);
    ws.push(interactionWeight(row, weighting));
    rs.push(clampRating(row.rating));
    fs.push(rowFlags(row));
    ts.push(row.lastAt.getTime());
  }

  const nUsers = userIds.length;
  const nItems = itemIds.length;
  const n = us.length;
  const userKey = Int32Array.from(us);
  const itemKey = Int32Array.from(is);
  const identity = new Int32Array(n);
  for (let p = 0; p < n; p++) identity[p] = p;
  // Two stable counting sorts: by item, then by user → sorted by (user, item).
  const order = countingSortBy(countingSortBy(identity, itemKey, nItems), userKey, nUsers);

  const indptr = new Int32Array(nUsers + 1);
  const indices = new Int32Array(n);
  const values = new Float64Array(n);
  const rating = new Int8Array(n);
  const flags = new Uint8Array(n);
  const lastAtMs = new Float64Array(n);
  let nnz = 0;
  for (let p = 0; p < n; p++) {
    const src = order[p];
    const u = userKey[src];
    const i = itemKey[src];
    let dst = nnz;
    if (p > 0 && userKey[order[p - 1]] === u && itemKey[order[p - 1]] === i) {
      dst = nnz - 1; // duplicate (user, item): keep the most recent row
      if (ts[src] < lastAtMs[dst]) continue;
    } else {
      nnz++;
      indptr[u + 1]++;
    }
    indices[dst] = i;
    values[dst] = ws[src];
    rating[dst] = rs[src];
    flags[dst] = fs[src];
    lastAtMs[dst] = ts[src];
  }
  for (let u = 0; u < nUsers; u++) indptr[u + 1] += indptr[u];

  return {
    userIds,
    itemIds,
    userIndex,
    itemIndex,
    interactions: {
      nRows: nUsers,
      nCols: nItems,
      indptr,
      indices: indices.slice(0, nnz),
      values: values.slice(0, nnz),
    },
    rating: rating.slice(0, nnz),
    flags: flags.slice(0, nnz),
    lastAtMs: lastAtMs.slice(0, nnz),
    itemMeta,
    preferredGenres,
  };
}

/** The matrix restricted to strictly positive entries (what the collaborative models learn from). */
export function positivePart(m: CsrMatrix): CsrMatrix {
  const indptr = new Int32Array(m.nRows + 1);
  let nnz = 0;
  for (let p = 0; p < m.values.length; p++) if (m.values[p] > 0) nnz++;
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let q = 0;
  for (let r = 0; r < m.nRows; r++) {
    for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) {
      if (m.values[p] > 0) {
        indices[q] = m.indices[p];
        values[q++] = m.values[p];
      }
    }
    indptr[r + 1] = q;
  }
  return { nRows: m.nRows, nCols: m.nCols, indptr, indices, values };
}

/** Transpose by counting sort (the result's rows are sorted by construction). */
export function transpose(m: CsrMatrix): CsrMatrix {
  const nnz = m.indices.length;
  const indptr = new Int32Array(m.nCols + 1);
  for (let p = 0; p < nnz; p++) indptr[m.indices[p] + 1]++;
  for (let c = 0; c < m.nCols; c++) indptr[c + 1] += indptr[c];
  const next = indptr.slice(0, m.nCols);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  for (let r = 0; r < m.nRows; r++) {
    for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) {
      const dst = next[m.indices[p]]++;
      indices[dst] = r;
      values[dst] = m.values[p];
    }
  }
  return { nRows: m.nCols, nCols: m.nRows, indptr, indices, values };
}

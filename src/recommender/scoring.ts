/**
 * Per-user scoring shared by the batch job, the validation search, the evaluation and the online refresh:
 * a ScoringContext (item index space, content model, popularity) + a UserHistory (typed arrays) + a source of
 * collaborative scores (the trained model, or persisted neighbour lists) → raw and normalised component scores.
 */
import { normalizePositive } from './blend';
import {
  buildProfile,
  contentScores,
  normalizeLabel,
  profileWeight,
  type ContentModel,
} from './content-based';
import {
  FLAG_COMPLETED,
  FLAG_DISMISSED,
  FLAG_EXCLUDED,
  interactionWeight,
  isExcludedFromRecommendations,
  type Dataset,
} from './dataset';
import type { InteractionRow, ItemMeta, Neighbor } from './types';

export interface ScoringContext {
  readonly itemIds: readonly string[];
  readonly itemIndex: ReadonlyMap<string, number>;
  readonly itemMeta: readonly (ItemMeta | undefined)[];
  readonly content: ContentModel;
  /** Recency-weighted popularity by item index. */
  readonly popScore: Float64Array;
  /** Popularity rank by item index (0 = most popular); the tie-break of every ranking. */
  readonly popRank: Int32Array;
}

/** One user's interactions in a context's item index space (−1 = title unknown to the context). */
export interface UserHistory {
  readonly items: Int32Array;
  readonly contentIds: readonly string[];
  /** Implicit-feedback weights (signed). */
  readonly weights: Float64Array;
  /** Content-profile weights (see content-based.profileWeight). */
  readonly profileWeights: Float64Array;
  /** 1 = must not be recommended (finished, rated, dismissed, in progress). */
  readonly excluded: Uint8Array;
  readonly preferredGenres: readonly string[];
}

export function hasPositive(history: UserHistory): boolean {
  for (let p = 0; p < history.weights.length; p++)
    if (history.weights[p] > 0 && history.items[p] >= 0) return true;
  return false;
}

export function historyFromDataset(ds: Dataset, u: number): UserHistory {
  const { indptr, indices, values } = ds.interactions;
  const start = indptr[u];
  const end = indptr[u + 1];
  const m = end - start;
  const profileWeights = new Float64Array(m);
  const excluded = new Uint8Array(m);
  const contentIds: string[] = new Array(m);
  for (let p = start; p < end; p++) {
    const f = ds.flags[p];
    profileWeights[p - start] = profileWeight(
      (f & FLAG_COMPLETED) !== 0,
      ds.rating[p],
      (f & FLAG_DISMISSED) !== 0,
      values[p],
    );
    excluded[p - start] = (f & FLAG_EXCLUDED) !== 0 ? 1 : 0;
    contentIds[p - start] = ds.itemIds[indices[p]];
  }
  return {
    items: indices.slice(start, end),
    contentIds,
    weights: values.slice(start, end),
    profileWeights,
    excluded,
    preferredGenres: ds.preferredGenres[u],
  };
}

export function historyFromRows(
  rows: readonly InteractionRow[],
  itemIndex: ReadonlyMap<string, number>,
  preferredGenres: readonly string[],
): UserHistory {
  const m = rows.length;
  const items = new Int32Array(m);
  const weights = new Float64Array(m);
  const profileWeights = new Float64Array(m);
  const excluded = new Uint8Array(m);
  const contentIds: string[] = new Array(m);
  for (let p = 0; p < m; p++) {
    const row = rows[p];
    const w = interactionWeight(row);
    items[p] = itemIndex.get(row.contentId) ?? -1;
    contentIds[p] = row.contentId;
    weights[p] = w;
    const rating = row.rating === null ? 0 : Math.min(5, Math.max(1, Math.round(row.rating)));
    profileWeights[p] = profileWeight(row.completed, rating, row.dismissed, w);
    excluded[p] = isExcludedFromRecommendations(row) ? 1 : 0;
  }
  return { items, contentIds, weights, profileWeights, excluded, preferredGenres };
}

export const emptyHistory = (preferredGenres: readonly string[] = []): UserHistory => ({
  items: new Int32Array(0),
  contentIds: [],
  weights: new Float64Array(0),
  profileWeights: new Float64Array(0),
  excluded: new Uint8Array(0),
  preferredGenres,
});

/** Where collaborative scores come from: the trained model (batch) or persisted neighbour lists (online). */
export interface CollaborativeSource {
  /** out (zeroed by the caller) += Σ_p weights[p] · w(items[p] → ·). */
  accumulate(history: UserHistory, out: Float64Array): void;
  /** How much watching item `from` supports item `to`. */
  weight(from: number, to: number): number;
}

/**
 * Persisted neighbour lists as a CollaborativeSource over a context's index space. Each list is resolved to
 * typed arrays of item indices once per source (i.e. once per online refresh), so reason lookups are cheap.
 */
export function neighborListSource(
  lists: ReadonlyMap<string, readonly Neighbor[]>,
  ctx: ScoringContext,
): CollaborativeSource {
  const resolved = new Map<number, { items: Int32Array; weights: Float64Array }>();
  const resolve = (from: number): { items: Int32Array; weights: Float64Array } | undefined => {
    let r = resolved.get(from);
    if (r) return r;
    const list = lists.get(ctx.itemIds[from]);
    if (!list) return undefined;
    const items = new Int32Array(list.length);
    const weights = new Float64Array(list.length);
    for (let q = 0; q < list.length; q++) {
      items[q] = ctx.itemIndex.get(list[q].contentId) ?? -1;
      weights[q] = list[q].weight;
    }
    resolved.set(from, (r = { items, weights }));
    return r;
  };
  return {
    accumulate(history, out) {
      for (let p = 0; p < history.items.length; p++) {
        const v = history.weights[p];
        const from = history.items[p];
        if (v === 0 || from < 0) continue;
        const r = resolve(from);
        if (!r) continue;
        for (let q = 0; q < r.items.length; q++) if (r.items[q] >= 0) out[r.items[q]] += v * r.weights[q];
      }
    },
    weight(from, to) {
      const r = resolve(from);
      if (!r) return 0;
      for (let q = 0; q < r.items.length; q++) if (r.items[q] === to) return r.weights[q];
      return 0;
    },
  };
}

/** Reusable per-user buffers: raw and normalised scores of the three components plus the exclusion mask. */
export class UserScorer {
  readonly raw: [Float64Array, Float64Array, Float64Array];
  readonly norm: [Float64Array, Float64Array, Float64Array];
  readonly excluded: Uint8Array;
  readonly scratch: Float64Array;

  constructor(
    readonly ctx: ScoringContext,
    readonly collaborative: CollaborativeSource,
  ) {
    const n = ctx.itemIds.length;
    this.raw = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    this.norm = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    this.excluded = new Uint8Array(n);
    this.scratch = new Float64Array(n);
  }

  /** Fills the exclusion mask and the three raw + normalised score vectors for this history. */
  score(history: UserHistory): void {
    const { ctx, raw, norm, excluded } = this;
    excluded.fill(0);
    for (let p = 0; p < history.items.length; p++) {
      if (history.excluded[p] !== 0 && history.items[p] >= 0) excluded[history.items[p]] = 1;
    }
    raw[0].fill(0);
    this.collaborative.accumulate(history, raw[0]);
    contentScores(
      ctx.content,
      buildProfile(ctx.content, history.items, history.profileWeights, history.preferredGenres),
      raw[1],
    );
    raw[2].set(ctx.popScore);
    for (let c = 0; c < 3; c++) normalizePositive(raw[c], excluded, norm[c]);
  }

  /**
   * Cold-start scores (no positive history): titles of the preferred genres first, each group by popularity.
   * Fills `scratch` (1 + normalised popularity for preferred-genre titles, normalised popularity otherwise).
   */
  coldStart(history: UserHistory): Float64Array {
    const { ctx, excluded, scratch } = this;
    const preferred = new Set(history.preferredGenres.map(normalizeLabel));
    const popNorm = this.norm[2];
    for (let i = 0; i < scratch.length; i++) {
      const genre = ctx.itemMeta[i]?.genre;
      const match = genre !== undefined && preferred.has(normalizeLabel(genre));
      scratch[i] = excluded[i] !== 0 ? 0 : (match ? 1 : 0) + popNorm[i];
    }
    return scratch;
  }
}

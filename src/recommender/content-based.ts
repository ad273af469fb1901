/**
 * Content-based scorer: a genre/tag profile of what the user finished or rated well (minus what they rejected),
 * plus their declared preferred genres, matched against each title's L2-normalised genre/tag vector.
 */
import type { CsrMatrix } from './dataset';
import type { ItemMeta } from './types';

export interface ContentModel {
  readonly nItems: number;
  readonly featureNames: readonly string[];
  readonly featureIndex: ReadonlyMap<string, number>;
  /** items × features, rows L2-normalised (all-zero for titles without metadata). */
  readonly itemFeatures: CsrMatrix;
  /** Feature index of each item's genre, −1 when unknown. */
  readonly genreFeature: Int32Array;
}

export const GENRE_FEATURE_WEIGHT = 1;
export const TAG_FEATURE_WEIGHT = 0.5;
/** Weight of one declared preferred genre in the profile (one finished title weighs about 1). */
export const PREFERRED_GENRE_WEIGHT = 1;
/** Profile weight of a dismissed or badly rated title. */
export const REJECTED_PROFILE_WEIGHT = -0.3;

export function normalizeLabel(label: string): string {
  return label.trim().toLowerCase();
}
export function genreFeatureName(genre: string): string {
  return `genre:${normalizeLabel(genre)}`;
}
export function tagFeatureName(tag: string): string {
  return `tag:${normalizeLabel(tag)}`;
}

export function buildContentModel(itemMeta: readonly (ItemMeta | undefined)[]): ContentModel {
  const featureIndex = new Map<string, number>();
  const featureNames: string[] = [];
  const feature = (name: string): number => {
    let f = featureIndex.get(name);
    if (f === undefined) {
      f = featureNames.length;
      featureIndex.set(name, f);
      featureNames.push(name);
    }
    return f;
  };
  const n = itemMeta.length;
  const indptr = new Int32Array(n + 1);
  const idx: number[] = [];
  const val: number[] = [];
  const genreFeature = new Int32Array(n).fill(-1);
  const row = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const meta = itemMeta[i];
    row.clear();
    if (meta) {
      if (meta.genre) {
        const g = feature(genreFeatureName(meta.genre));
        genreFeature[i] = g;
        row.set(g, GENRE_FEATURE_WEIGHT);
      }
      for (const tag of meta.tags) if (tag) row.set(feature(tagFeatureName(tag)), TAG_FEATURE_WEIGHT);
    }
    let sq = 0;
    for (const v of row.values()) sq += v * v;
    const inv = sq > 0 ? 1 / Math.sqrt(sq) : 0;
    for (const [f, v] of [...row.entries()].sort((a, b) => a[0] - b[0])) {
      idx.push(f);
      val.push(v * inv);
    }
    indptr[i + 1] = idx.length;
  }
  return {
    nItems: n,
    featureNames,
    featureIndex,
    itemFeatures: {
      nRows: n,
      nCols: featureNames.length,
      indptr,
      indices: Int32Array.from(idx),
      values: Float64Array.from(val),
    },
    genreFeature,
  };
}

/**
 * How much one interaction shapes the taste profile: finished or rated 4–5 → its (positive) implicit weight;
 * dismissed or rated 1–2 → slightly negative; merely started → nothing.
 * @param rating 1–5, 0 when unrated
 */
export function profileWeight(
  completed: boolean,
  rating: number,
  dismissed: boolean,
  weight: number,
): number {
  if (dismissed || (rating > 0 && rating <= 2)) return REJECTED_PROFILE_WEIGHT;
  if ((completed || rating >= 4) && weight > 0) return weight;
  return 0;
}

/** Σ profileWeight · item vector, plus PREFERRED_GENRE_WEIGHT on each preferred genre known to the catalog. */
export function buildProfile(
  model: ContentModel,
  items: ArrayLike<number>,
  weights: ArrayLike<number>,
  preferredGenres: readonly string[],
): Float64Array {
  const profile = new Float64Array(model.featureNames.length);
  const { indptr, indices, values } = model.itemFeatures;
  for (let p = 0; p < items.length; p++) {
    const w = weights[p];
    const i = items[p];
    if (w === 0 || i < 0) continue;
    for (let q = indptr[i]; q < indptr[i + 1]; q++) profile[indices[q]] += w * values[q];
  }
  for (const g of preferredGenres) {
    const f = model.featureIndex.get(genreFeatureName(g));
    if (f !== undefined) profile[f] += PREFERRED_GENRE_WEIGHT;
  }
  return profile;
}

/** out[i] = profile · itemVector(i) for every item. */
export function contentScores(model: ContentModel, profile: Float64Array, out: Float64Array): void {
  const { indptr, indices, values } = model.itemFeatures;
  for (let i = 0; i < model.nItems; i++) {
    let s = 0;
    for (let q = indptr[i]; q < indptr[i + 1]; q++) s += profile[indices[q]] * values[q];
    out[i] = s;
  }
}

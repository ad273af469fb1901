/**
 * Per-user top-N lists with reasons.
 *  - Exclusions: titles the user finished, rated, dismissed or has in progress are never recommended.
 *  - Fill-up: every ranking breaks ties by popularity, so items without any signal follow in popularity order
 *    and every user gets min(N, catalog − excluded) titles.
 *  - Batch: `recommendForUser` / `recommendAll` on a TrainedRecommender.
 *  - Online: `recommendForUserOnline` recomputes ONE user's list from persisted neighbour lists + popularity
 *    (no model), with the same scoring code; it matches the batch list exactly when the lists are complete.
 */
import { weightVector, DEFAULT_BLEND_WEIGHTS } from './blend';
import { buildContentModel, normalizeLabel } from './content-based';
import { historyOf, rankHistory, scorerFor, type TrainedRecommender } from './model';
import { popularityVectors, type Popularity } from './popularity';
import { coldStartReason, explain, userGenres, type ReasonContext } from './reasons';
import {
  historyFromRows,
  neighborListSource,
  UserScorer,
  type CollaborativeSource,
  type ScoringContext,
  type UserHistory,
} from './scoring';
import type {
  BlendWeights,
  ComponentName,
  InteractionRow,
  ItemMeta,
  Neighbor,
  Recommendation,
  UserMeta,
} from './types';

export const DEFAULT_LIST_LENGTH = 50;

export interface RecommendOptions {
  /** List length (default 50). */
  n?: number;
}

/** Turns a ranked list of item indices into Recommendations with reasons (scorer buffers hold the user). */
function toRecommendations(
  scorer: UserScorer,
  history: UserHistory,
  collaborative: CollaborativeSource,
  weights: BlendWeights,
  ranked: { items: Int32Array; scores: Float64Array; cold: boolean },
): Recommendation[] {
  const ctx = scorer.ctx;
  const out: Recommendation[] = new Array(ranked.items.length);
  if (ranked.cold) {
    const preferred = new Set(history.preferredGenres.map(normalizeLabel));
    for (let r = 0; r < ranked.items.length; r++) {
      const i = ranked.items[r];
      out[r] = {
        contentId: ctx.itemIds[i],
        rank: r + 1,
        score: ranked.scores[r],
        reason: coldStartReason(ctx, preferred, i),
      };
    }
    return out;
  }
  const w = weightVector(weights);
  const rc: ReasonContext = { ctx, history, collaborative, userGenres: userGenres(ctx, history) };
  const contributions = [0, 0, 0];
  for (let r = 0; r < ranked.items.length; r++) {
    const i = ranked.items[r];
    for (let c = 0; c < 3; c++) contributions[c] = w[c] * scorer.norm[c][i];
    out[r] = {
      contentId: ctx.itemIds[i],
      rank: r + 1,
      score: ranked.scores[r],
      reason: explain(rc, i, contributions),
    };
  }
  return out;
}

/** One user's list from the trained model (users unknown to the model get the cold-start list). */
export function recommendForUser(
  model: TrainedRecommender,
  userId: string,
  options: RecommendOptions & { userMeta?: UserMeta | null; scorer?: UserScorer } = {},
): Recommendation[] {
  const scorer = options.scorer ?? scorerFor(model);
  const history = historyOf(model, userId);
  const preferred = options.userMeta?.preferredGenres;
  const h =
    preferred && !model.dataset.userIndex.has(userId) ? { ...history, preferredGenres: preferred } : history;
  const ranked = rankHistory(scorer, h, model.weights, options.n ?? DEFAULT_LIST_LENGTH);
  return toRecommendations(scorer, h, scorer.collaborative, model.weights, ranked);
}

/** Every user of the model (rows and declared users), one list at a time, with one reused scorer. */
export function* recommendAll(
  model: TrainedRecommender,
  options: RecommendOptions = {},
): Generator<{ userId: string; recommendations: Recommendation[] }> {
  const scorer = scorerFor(model);
  for (const userId of model.dataset.userIds) {
    yield { userId, recommendations: recommendForUser(model, userId, { ...options, scorer }) };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Online refresh

interface OnlineCatalog {
  itemIds: string[];
  itemIndex: Map<string, number>;
  itemMeta: ItemMeta[];
  content: ReturnType<typeof buildContentModel>;
  contexts: WeakMap<Popularity, ScoringContext>;
}

type CatalogInput = ReadonlyMap<string, ItemMeta> | readonly ItemMeta[];
const catalogs = new WeakMap<CatalogInput, OnlineCatalog>();

/** Builds (once per catalog object) the index space and content model used by online refreshes. */
function onlineContext(itemMeta: CatalogInput, popularity: Popularity): ScoringContext {
  let catalog = catalogs.get(itemMeta);
  if (!catalog) {
    const metas = Array.isArray(itemMeta)
      ? (itemMeta as readonly ItemMeta[])
      : [...(itemMeta as ReadonlyMap<string, ItemMeta>).values()];
    const itemIds: string[] = [];
    const itemIndex = new Map<string, number>();
    const unique: ItemMeta[] = [];
    for (const m of metas) {
      if (itemIndex.has(m.contentId)) continue;
      itemIndex.set(m.contentId, itemIds.length);
      itemIds.push(m.contentId);
      unique.push(m);
    }
    catalog = {
      itemIds,
      itemIndex,
      itemMeta: unique,
      content: buildContentModel(unique),
      contexts: new WeakMap(),
    };
    catalogs.set(itemMeta, catalog);
  }
  let ctx = catalog.contexts.get(popularity);
  if (!ctx) {
    const { score, rank } = popularityVectors(popularity, catalog.itemIndex, catalog.itemIds.length);
    ctx = {
      itemIds: catalog.itemIds,
      itemIndex: catalog.itemIndex,
      itemMeta: catalog.itemMeta,
      content: catalog.content,
      popScore: score,
      popRank: rank,
    };
    catalog.contexts.set(popularity, ctx);
  }
  return ctx;
}

export interface OnlineOptions extends RecommendOptions {
  /** The blend weights the batch job chose (persist them with the model); defaults to DEFAULT_BLEND_WEIGHTS. */
  weights?: BlendWeights;
}

/**
 * Recomputes one user's list from their rows, the persisted neighbour lists and popularity.
 * Pass the same `itemMeta` and `popularity` objects across calls: the catalog index and content vectors are
 * built once per object pair and cached (weakly).
 */
export function recommendForUserOnline(
  userRows: readonly InteractionRow[],
  neighborLists: ReadonlyMap<string, readonly Neighbor[]>,
  popularity: Popularity,
  itemMeta: CatalogInput,
  userMeta: UserMeta | null,
  options: OnlineOptions = {},
): Recommendation[] {
  const ctx = onlineContext(itemMeta, popularity);
  const collaborative = neighborListSource(neighborLists, ctx);
  const scorer = new UserScorer(ctx, collaborative);
  const history = historyFromRows(userRows, ctx.itemIndex, userMeta?.preferredGenres ?? []);
  const weights = options.weights ?? DEFAULT_BLEND_WEIGHTS;
  const ranked = rankHistory(scorer, history, weights, options.n ?? DEFAULT_LIST_LENGTH);
  return toRecommendations(scorer, history, collaborative, weights, ranked);
}

/**
 * Raw (unnormalised) component scores of one title for an arbitrary history, with the trained model — what a
 * reason's claim is about (e.g. removing a cited title from the history must lower the collaborative score).
 */
export function componentScoresFor(
  model: TrainedRecommender,
  userRows: readonly InteractionRow[],
  userMeta: UserMeta | null,
  contentId: string,
): Record<ComponentName, number> {
  const j = model.ctx.itemIndex.get(contentId);
  if (j === undefined) return { collaborative: 0, content: 0, popularity: 0 };
  const scorer = scorerFor(model);
  scorer.score(historyFromRows(userRows, model.ctx.itemIndex, userMeta?.preferredGenres ?? []));
  return { collaborative: scorer.raw[0][j], content: scorer.raw[1][j], popularity: scorer.raw[2][j] };
}

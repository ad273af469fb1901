/**
 * Training the whole recommender from the data it is given:
 *   1. split the rows per user (validation fraction, seeded) and fit every component on the fit part;
 *   2. if the collaborative model is EASE and λ was not fixed, pick λ's scale on the validation users
 *      (EASE alone, nDCG@k);
 *   3. stream the validation users through the blend grid search (blend.ts) to choose the weights;
 *   4. refit every component on all rows with the chosen λ scale, and keep the chosen weights.
 */
import {
  BlendSearch,
  DEFAULT_BLEND_WEIGHTS,
  DEFAULT_GRID_STEP,
  rankBlended,
  weightVector,
  type BlendSearchResult,
} from './blend';
import {
  fitCollaborative,
  neighborLists,
  type CollaborativeModel,
  type CollaborativeOptions,
} from './collaborative';
import { buildContentModel } from './content-based';
import { buildDataset, isRelevant, positivePart, type Dataset } from './dataset';
import { EaseModel, fitEase } from './ease';
import { MaskSet, ndcgAtK } from './metrics';
import {
  datasetPopularityScores,
  popularityFromScores,
  popularityVectors,
  type Popularity,
  type PopularityOptions,
} from './popularity';
import {
  emptyHistory,
  hasPositive,
  historyFromDataset,
  UserScorer,
  type CollaborativeSource,
  type ScoringContext,
  type UserHistory,
} from './scoring';
import { splitPerUser } from './split';
import { topK } from './topk';
import type { BlendWeights, InteractionRow, ItemMeta, Neighbor, UserMeta } from './types';

export interface TrainOptions extends CollaborativeOptions {
  popularity?: PopularityOptions;
  /** Fixed blend weights: skips the blend search (λ is still chosen unless fixed). */
  weights?: BlendWeights;
  /** Share of each user's rows held out to choose λ and the blend weights. */
  validationFraction?: number;
  seed?: number;
  gridStep?: number;
  /** Cutoff of the nDCG the choices are made on. */
  k?: number;
  /** Upper bound on validation users (the first ids in sorted order beyond it). */
  maxValidationUsers?: number;
  /** Candidate EASE λ scales (× mean Gram diagonal) tried on the validation split. */
  easeLambdaScales?: readonly number[];
}

export const DEFAULT_VALIDATION_FRACTION = 0.2;
export const DEFAULT_VALIDATION_SEED = 7;
export const DEFAULT_MAX_VALIDATION_USERS = 5000;
export const DEFAULT_EASE_LAMBDA_SCALES: readonly number[] = [1, 4, 16];

/** Everything needed to score a user of the dataset; `ctx` indexes items exactly like `dataset`. */
export interface FittedComponents {
  readonly dataset: Dataset;
  readonly collaborative: CollaborativeModel;
  readonly popularity: Popularity;
  readonly ctx: ScoringContext;
}

export interface ValidationReport {
  /** The blend search (null when the weights were given or there were no validation users: defaults used). */
  blend: BlendSearchResult | null;
  /** EASE λ scale chosen on validation (null when not EASE or λ was fixed), with each candidate's nDCG. */
  easeLambdaScale: number | null;
  lambdaSearch: { scale: number; ndcg: number }[];
  users: number;
}

export interface TrainedRecommender extends FittedComponents {
  readonly weights: BlendWeights;
  readonly validation: ValidationReport | null;
}

export function fitComponents(
  rows: readonly InteractionRow[],
  items: readonly ItemMeta[],
  users: readonly UserMeta[],
  options: TrainOptions = {},
): FittedComponents {
  const dataset = buildDataset(rows, items, users);
  const collaborative = fitCollaborative(dataset, options);
  const popScores = datasetPopularityScores(dataset, options.popularity);
  const popularity = popularityFromScores(dataset.itemIds, dataset.itemMeta, popScores);
  const { score, rank } = popularityVectors(popularity, dataset.itemIndex, dataset.itemIds.length);
  const ctx: ScoringContext = {
    itemIds: dataset.itemIds,
    itemIndex: dataset.itemIndex,
    itemMeta: dataset.itemMeta,
    content: buildContentModel(dataset.itemMeta),
    popScore: score,
    popRank: rank,
  };
  return { dataset, collaborative, popularity, ctx };
}

/** The trained collaborative model as a CollaborativeSource over the dataset's index space. */
export function modelSource(model: CollaborativeModel): CollaborativeSource {
  return {
    accumulate(history, out) {
      model.accumulate(history.items, history.weights, 0, history.items.length, out);
    },
    weight: (from, to) => model.weight(from, to),
  };
}

export function scorerFor(parts: FittedComponents, collaborative = parts.collaborative): UserScorer {
  return new UserScorer(parts.ctx, modelSource(collaborative));
}

/** The history of a user id in a fitted dataset (empty, with the declared genres, when unknown). */
export function historyOf(
  parts: FittedComponents,
  userId: string,
  users?: ReadonlyMap<string, UserMeta>,
): UserHistory {
  const u = parts.dataset.userIndex.get(userId);
  if (u !== undefined) return historyFromDataset(parts.dataset, u);
  return emptyHistory(users?.get(userId)?.preferredGenres ?? []);
}

export interface RankedList {
  items: Int32Array;
  scores: Float64Array;
  /** True when the list came from the cold-start path (no positive history). */
  cold: boolean;
}

/**
 * Ranks the top n item indices for a history with the given weights, cold-start aware: a history without
 * positive interactions gets popular titles of its preferred genres, then popular overall.
 * Pass `scored: true` when `scorer.score(history)` was just called for this history.
 */
export function rankHistory(
  scorer: UserScorer,
  history: UserHistory,
  weights: BlendWeights,
  n: number,
  scored = false,
): RankedList {
  if (!scored) scorer.score(history);
  if (!hasPositive(history)) {
    const cold = scorer.coldStart(history);
    const items = topK(cold, n, { skip: scorer.excluded, tieRank: scorer.ctx.popRank });
    const scores = new Float64Array(items.length);
    for (let r = 0; r < items.length; r++) scores[r] = cold[items[r]];
    return { items, scores, cold: true };
  }
  return {
    ...rankBlended(
      scorer.norm,
      weightVector(weights),
      scorer.excluded,
      scorer.ctx.popRank,
      n,
      scorer.scratch,
    ),
    cold: false,
  };
}

/** Relevant held-out rows grouped by user (at most `max` users: the first ids in sorted order). */
export function relevantByUser(rows: readonly InteractionRow[], max = Infinity): Map<string, string[]> {
  const byUser = new Map<string, string[]>();
  for (const row of rows) {
    if (!isRelevant(row)) continue;
    const list = byUser.get(row.userId);
    if (list) list.push(row.contentId);
    else byUser.set(row.userId, [row.contentId]);
  }
  if (byUser.size <= max) return byUser;
  const kept = [...byUser.keys()].sort().slice(0, max);
  return new Map(kept.map((u) => [u, byUser.get(u) as string[]]));
}

/** Validation users of a fitted part: their history in the fit data and their relevant held-out items. */
export interface ValidationUser {
  history: UserHistory;
  relevant: Int32Array;
  /** Number of relevant held-out rows (some may be titles the fit data does not know: index −1). */
  relevantCount: number;
}

export interface ValidationSplit {
  parts: FittedComponents;
  users: ValidationUser[];
}

/** Splits `rows`, fits the components on the fit part and collects the validation users. */
export function validationSplit(
  rows: readonly InteractionRow[],
  items: readonly ItemMeta[],
  users: readonly UserMeta[],
  options: TrainOptions = {},
): ValidationSplit {
  const { train, test } = splitPerUser(rows, {
    testFraction: options.validationFraction ?? DEFAULT_VALIDATION_FRACTION,
    seed: options.seed ?? DEFAULT_VALIDATION_SEED,
  });
  const parts = fitComponents(train, items, users, options);
  const userMeta = new Map(users.map((u) => [u.userId, u]));
  const out: ValidationUser[] = [];
  for (const [userId, contentIds] of relevantByUser(
    test,
    options.maxValidationUsers ?? DEFAULT_MAX_VALIDATION_USERS,
  )) {
    out.push({
      history: historyOf(parts, userId, userMeta),
      relevant: Int32Array.from(contentIds, (id) => parts.ctx.itemIndex.get(id) ?? -1),
      relevantCount: contentIds.length,
    });
  }
  return { parts, users: out };
}

function fillMask(mask: MaskSet, user: ValidationUser): void {
  mask.clear();
  for (let r = 0; r < user.relevant.length; r++) mask.add(user.relevant[r]);
}

/** Mean nDCG@k of one fixed weighting over the validation users (the reference for every choice). */
export function validationNdcg(
  split: ValidationSplit,
  weights: BlendWeights,
  k = 10,
  collaborative: CollaborativeModel = split.parts.collaborative,
): number {
  const scorer = scorerFor(split.parts, collaborative);
  const mask = new MaskSet(split.parts.ctx.itemIds.length);
  let sum = 0;
  for (const user of split.users) {
    fillMask(mask, user);
    sum += ndcgAtK(rankHistory(scorer, user.history, weights, k).items, mask, k);
  }
  return split.users.length === 0 ? 0 : sum / split.users.length;
}

/** Chooses the EASE λ scale with the best EASE-alone validation nDCG@k; returns it with the refitted model. */
export function chooseEaseLambda(
  split: ValidationSplit,
  scales: readonly number[],
  k = 10,
): { scale: number; model: CollaborativeModel; search: { scale: number; ndcg: number }[] } {
  const x = positivePart(split.parts.dataset.interactions);
  const alone: BlendWeights = { collaborative: 1, content: 0, popularity: 0 };
  let best: { scale: number; model: CollaborativeModel; ndcg: number } | null = null;
  const search: { scale: number; ndcg: number }[] = [];
  const fitted = split.parts.collaborative;
  for (const scale of scales) {
    const model =
      fitted instanceof EaseModel && fitted.lambdaScale === scale
        ? fitted
        : fitEase(x, { lambdaScale: scale });
    const ndcg = validationNdcg(split, alone, k, model);
    search.push({ scale, ndcg });
    if (!best || ndcg > best.ndcg) best = { scale, model, ndcg };
  }
  if (!best) throw new Error('chooseEaseLambda: no candidate scales');
  return { scale: best.scale, model: best.model, search };
}

/** Streams the validation users through the blend grid (cold-start users count the same for every point). */
export function searchBlendWeights(split: ValidationSplit, options: TrainOptions = {}): BlendSearchResult {
  const k = options.k ?? 10;
  const { parts } = split;
  const scorer = scorerFor(parts);
  const search = new BlendSearch(k, options.gridStep ?? DEFAULT_GRID_STEP);
  const mask = new MaskSet(parts.ctx.itemIds.length);
  const any: BlendWeights = { collaborative: 1, content: 0, popularity: 0 };
  for (const user of split.users) {
    fillMask(mask, user);
    scorer.score(user.history);
    if (!hasPositive(user.history)) {
      search.addFixedUser(ndcgAtK(rankHistory(scorer, user.history, any, k, true).items, mask, k));
    } else {
      search.addUser(scorer.norm, scorer.excluded, parts.ctx.popRank, mask);
    }
  }
  return search.result();
}

function usesEase(parts: FittedComponents): boolean {
  return parts.collaborative.kind === 'ease';
}

export function trainRecommender(
  rows: readonly InteractionRow[],
  items: readonly ItemMeta[] = [],
  users: readonly UserMeta[] = [],
  options: TrainOptions = {},
): TrainedRecommender {
  const lambdaFixed = options.ease?.lambda !== undefined || options.ease?.lambdaScale !== undefined;
  let validation: ValidationReport | null = null;
  let finalOptions = options;
  if (!options.weights || !lambdaFixed) {
    const split = validationSplit(rows, items, users, options);
    let easeLambdaScale: number | null = null;
    let lambdaSearch: { scale: number; ndcg: number }[] = [];
    let blend: BlendSearchResult | null = null;
    // Without validation users there is no evidence to choose with: keep the defaults.
    if (split.users.length > 0) {
      let parts = split.parts;
      if (usesEase(parts) && !lambdaFixed) {
        const chosen = chooseEaseLambda(
          split,
          options.easeLambdaScales ?? DEFAULT_EASE_LAMBDA_SCALES,
          options.k,
        );
        easeLambdaScale = chosen.scale;
        lambdaSearch = chosen.search;
        parts = { ...parts, collaborative: chosen.model };
        finalOptions = { ...options, ease: { ...options.ease, lambdaScale: chosen.scale } };
      }
      blend = options.weights ? null : searchBlendWeights({ parts, users: split.users }, options);
    }
    validation = { blend, easeLambdaScale, lambdaSearch, users: split.users.length };
  }
  const parts = fitComponents(rows, items, users, finalOptions);
  const weights = options.weights ?? validation?.blend?.chosen ?? DEFAULT_BLEND_WEIGHTS;
  return { ...parts, weights, validation };
}

/** The neighbour lists to persist for the online refresh (content_id → top k (neighbor, weight)). */
export function modelNeighborLists(model: FittedComponents, k = 100): Map<string, Neighbor[]> {
  return neighborLists(model.collaborative, model.dataset.itemIds, k);
}
